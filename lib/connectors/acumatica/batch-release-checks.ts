/**
 * Status checks of the releases this process has in flight, shared by as many of them as can wait
 * for each other. A release is `begin`-registered before its action is posted and `end`ed once it is
 * confirmed or has failed; `check(key)` asks for the document's status in a read that starts after
 * the call. A read goes out when no read is in flight and either every release in flight is waiting
 * for one (no one else will ask soon: a lone release, e.g. a callout's, waits for nobody) or the first
 * of those waiting has waited `maxWaitMs` (releases still being posted then catch the next read).
 * The read takes its keys when it is sent (`take`, called once), not when it goes out: a read that
 * waits for its turn under the connection's limits (a licence's rate) carries the checks asked for
 * meanwhile, at no extra wait. So under load one read answers about as many documents as releases
 * run at once, and no document waits more than `maxWaitMs` plus one read for the others.
 *
 * Nothing is cached: each check is answered by a read sent after it was asked for. A failed read
 * fails the checks it carried, or, when it failed before it took any, those waiting then (each caller
 * handles it as it would its own read).
 */
export const batchReleaseChecks = <T>({
  read,
  maxWaitMs,
  maxBatchSize,
}: {
  /** the statuses of the documents' keys that `take` returns (one entry per key found); `take` is called once, as the read is sent */
  read: (take: () => string[]) => Promise<Map<string, T[]>>;
  maxWaitMs: number;
  maxBatchSize: number;
}) => {
  type Waiter = { key: string; at: number; resolve: (rows: T[]) => void; reject: (err: unknown) => void };
  let inFlight = 0;
  let reading = false;
  const waiting: Waiter[] = [];
  let timer: NodeJS.Timeout | null = null;

  const dispatch = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    reading = true;
    let batch: Waiter[] | null = null;
    const take = () => {
      batch ??= waiting.splice(0, maxBatchSize);
      return [...new Set(batch.map((w) => w.key))];
    };
    read(take)
      .then(
        (found) => batch?.forEach((w) => w.resolve(found.get(w.key) ?? [])),
        (err: unknown) => {
          // a read refused before it was sent (e.g. by the limiter) fails the checks waiting now, as their own read would
          if (!batch) take();
          batch!.forEach((w) => w.reject(err));
        },
      )
      .finally(() => {
        reading = false;
        consider();
      });
  };

  /** Sends a read when it is time (see above), else makes sure the longest wait is bounded. */
  const consider = () => {
    if (reading || waiting.length === 0) return;
    const waited = Date.now() - waiting[0]!.at;
    if (waiting.length >= inFlight || waiting.length >= maxBatchSize || waited >= maxWaitMs) return dispatch();
    timer ??= setTimeout(() => {
      timer = null;
      consider();
    }, maxWaitMs - waited);
  };

  return {
    /** A release of this process is about to be posted. */
    begin: () => {
      inFlight += 1;
    },
    /** That release is confirmed or has failed: it asks no more. */
    end: () => {
      inFlight -= 1;
      consider();
    },
    check: (key: string) =>
      new Promise<T[]>((resolve, reject) => {
        waiting.push({ key, at: Date.now(), resolve, reject });
        consider();
      }),
    /** releases in flight and checks waiting (for tests and diagnostics) */
    state: () => ({ inFlight, waiting: waiting.length, reading }),
  };
};
