import DataLoader from "dataloader";
import { acumaticaConfig } from "./config";

/**
 * Look-ups by natural key that concurrent jobs share: the first key asked for goes at once; keys asked
 * for while that call is in flight wait for it and then go together, up to `maxBatchSize` per call
 * (`findBy` turns them into one `$filter=F eq 'a' or F eq 'b' ...`). Under load one call answers many
 * records; alone, a record waits for nobody, unless `windowMs` is given: then a key that finds no call
 * in flight waits that long for others to join it (for reads where a few ms cost less than a call).
 *
 * Nothing is cached: every key is sent in a call that starts after it was asked for, so the answer is
 * as fresh as a call of its own, and the look-up before a create stays exact. A failed call fails
 * every key it carried (each caller retries as it would have).
 */
export const coalescingLookup = <T>(
  fetch: (keys: string[]) => Promise<Map<string, T[]>>,
  { maxBatchSize = acumaticaConfig.filterBatchSize, windowMs = 0 }: { maxBatchSize?: number; windowMs?: number } = {},
) => {
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  return new DataLoader<string, T[]>(
    async (keys) => {
      inFlight += 1;
      try {
        const found = await fetch([...keys]);
        return keys.map((key) => found.get(key) ?? []);
      } finally {
        inFlight -= 1;
        for (const dispatch of waiting.splice(0)) dispatch();
      }
    },
    {
      cache: false,
      maxBatchSize,
      batchScheduleFn: (dispatch) => {
        if (inFlight > 0) waiting.push(dispatch);
        else if (windowMs > 0) setTimeout(dispatch, windowMs);
        else process.nextTick(dispatch);
      },
    },
  );
};
