import { expect, type APIRequestContext } from "@playwright/test";

/** The flow `npm start` seeds on an empty database (prisma/seed/seed-demo-flow.ts). */
export const DEMO_FLOW_NAME = "Zuora → Acumatica (demo)";

/** The e2e sandbox's control API (playwright.config.ts SANDBOX_PORT). */
export const SANDBOX_CONTROL = `http://127.0.0.1:${process.env.E2E_SANDBOX_PORT ?? "4110"}/_sandbox`;

type Missing = { kind: string; sourceKey: string; dependency?: boolean };
type RecordDetail = { record: { id: string; flowId: string; status: string; statusReason: string | null; naturalKey: string | null; missing: Missing[] | null; lastError: string | null } };

export const getRecord = async (request: APIRequestContext, id: string) => {
  const res = await request.get(`/api/records/${id}`);
  expect(res.status(), `GET /api/records/${id}`).toBe(200);
  return ((await res.json()) as RecordDetail).record;
};

/**
 * Waits until the demo flow's first poll has held records, then returns the held records that wait on
 * exactly one mapping, `sourceKey` (so adding that mapping alone frees them).
 */
export const heldWaitingOnlyOn = async (request: APIRequestContext, sourceKey: string, { timeoutMs = 180_000 } = {}) => {
  // Only the demo flow's records: flows other journeys create (and their retries) hold many invoices of
  // their own, newer ones, which would fill the page and hide the demo's.
  const flows = (await (await request.get("/api/flows")).json()) as { id: string; name: string }[];
  const demo = flows.find((f) => f.name === DEMO_FLOW_NAME);
  expect(demo, `a flow named "${DEMO_FLOW_NAME}" among ${flows.map((f) => f.name).join(", ")}`).toBeDefined();
  let found: RecordDetail["record"][] = [];
  await expect
    .poll(
      async () => {
        const res = await request.get(`/api/records?flowId=${demo!.id}&status=held&objectType=invoice&limit=200`);
        const { items } = (await res.json()) as { items: { id: string }[] };
        found = [];
        for (const item of items) {
          const r = await getRecord(request, item.id);
          const needed = r.missing ?? [];
          if (needed.length === 1 && needed[0]!.kind === "gl-account" && needed[0]!.sourceKey === sourceKey) found.push(r);
        }
        return found.length;
      },
      { message: `held invoices waiting only on "${sourceKey}"`, timeout: timeoutMs, intervals: [3000] },
    )
    .toBeGreaterThan(0);
  return found;
};

/** Waits until a record reaches `status` (the worker posts released/replayed records asynchronously). */
export const waitForStatus = async (request: APIRequestContext, id: string, status: string, timeoutMs = 90_000) =>
  expect.poll(async () => (await getRecord(request, id)).status, { message: `record ${id} becomes ${status}`, timeout: timeoutMs, intervals: [1000] }).toBe(status);
