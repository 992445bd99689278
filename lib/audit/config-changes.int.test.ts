import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../../test/db";
import { connectionFormSchema, type ConnectionForm } from "../connections/form-schemas";
import { saveConnection } from "../connections/save-connection";
import { saveFlow } from "../flows-admin/save-flow";
import { flowFormSchema } from "../flows-admin/schemas";
import { setFlowEnabled } from "../flows-admin/set-flow-enabled";
import { deleteValueMap } from "../mapping-admin/delete-value-map";
import { saveValueMap } from "../mapping-admin/save-value-map";
import { changeUserRole } from "../users/change-user-role";
import { inviteUser } from "../users/invite-user";
import { exportConfigChangesCsv } from "./export-config-changes-csv";
import { listConfigChanges } from "./list-config-changes";

let t: TestDb;
const admin = { id: "00000000-0000-4000-8000-000000000001", email: "auditor-admin@example.test" };

beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t?.drop());

const zuoraForm = (over: Partial<ConnectionForm> = {}): ConnectionForm => ({
  vendor: "zuora",
  name: "Zuora audit",
  baseUrl: "http://127.0.0.1:9/zuora",
  settings: { "callout.headerName": "X-Zuora-Signature", "callout.algorithm": "SHA-256", "callout.encoding": "BASE64", "callout.signedData": "{{Request.Body}}" },
  secrets: { clientId: "client-1", clientSecret: "first-client-secret-value", calloutHmacSecret: "first-hmac-secret" },
  ...over,
});
const acumaticaForm = (): ConnectionForm => ({
  vendor: "acumatica",
  name: "Acumatica audit",
  baseUrl: "http://127.0.0.1:9/acumatica",
  settings: { endpointVersion: "24.200.001" },
  secrets: { clientId: "c@T", clientSecret: "acu-secret-value", username: "ops", password: "acu-password-value" },
});

const csvOf = async (gen: AsyncGenerator<string>) => {
  let text = "";
  for await (const chunk of gen) text += chunk;
  return Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data;
};

describe("configuration change log", () => {
  it("logs who changed what, old -> new, in the save's transaction, and never a secret's value", async () => {
    const zuora = await saveConnection({ db: t.db, form: connectionFormSchema.parse(zuoraForm()), actor: admin });
    const acumatica = await saveConnection({ db: t.db, form: connectionFormSchema.parse(acumaticaForm()), actor: admin });
    await saveConnection({
      db: t.db,
      form: connectionFormSchema.parse(zuoraForm({ id: zuora.id, name: "Zuora audit (prod)", secrets: { clientSecret: "second-client-secret-value" } })),
      actor: admin,
    });
    const { id: flowId } = await saveFlow({
      db: t.db,
      form: flowFormSchema.parse({
        name: "Audit flow",
        kind: "zuora-acumatica",
        sourceConnectionId: zuora.id,
        targetConnectionId: acumatica.id,
        schedule: "*/15 * * * *",
        backfillFrom: "2026-01-01",
        settings: { createCustomers: true, customerIdPrefix: "Z", glAccountKey: "charge", invoiceSettlement: false, postExternalPayments: true, taxMode: "zuora", tenantTimeZone: "UTC", closedPeriods: "hold", canceledInvoices: "reverse", reversedPayments: "void" },
      }),
      actor: admin,
    });
    await setFlowEnabled({ db: t.db, flowId, enabled: true, actor: admin });
    await saveValueMap({ db: t.db, input: { flowId, kind: "gl-account", sourceKey: "API Calls", targetValue: "40000" }, actor: admin });
    await saveValueMap({ db: t.db, input: { flowId, kind: "gl-account", sourceKey: "API Calls", targetValue: "41000" }, actor: admin });
    await saveValueMap({ db: t.db, input: { flowId, kind: "gl-account", sourceKey: "API Calls", targetValue: "41000" }, actor: admin }); // no change: not logged
    await deleteValueMap({ db: t.db, input: { flowId, kind: "gl-account", sourceKey: "API Calls" }, actor: admin });
    const { user } = await inviteUser({ db: t.db, email: "viewer-audit@example.test", role: "viewer", actor: admin });
    await changeUserRole({ db: t.db, userId: user.id, role: "admin", actor: admin });

    const { items } = await listConfigChanges({ db: t.db });
    const summary = items.map((i) => [i.entity, i.action, i.entityLabel]).reverse();
    expect(summary).toEqual([
      ["connection", "created", "Zuora audit"],
      ["connection", "created", "Acumatica audit"],
      ["connection", "updated", "Zuora audit (prod)"],
      ["flow", "created", "Audit flow"],
      ["flow", "updated", "Audit flow"],
      ["mapping", "created", "gl-account “API Calls”"],
      ["mapping", "updated", "gl-account “API Calls”"],
      ["mapping", "deleted", "gl-account “API Calls”"],
      ["user", "created", "viewer-audit@example.test"],
      ["user", "updated", "viewer-audit@example.test"],
    ]);
    expect(items.every((i) => i.actorEmail === admin.email)).toBe(true);
    const byLabel = (entity: string, action: string) => items.find((i) => i.entity === entity && i.action === action)!;
    expect(byLabel("mapping", "updated").changes).toEqual([{ field: "targetValue", from: "40000", to: "41000" }]);
    expect(byLabel("mapping", "updated").flow).toEqual({ id: flowId, name: "Audit flow" });
    expect(byLabel("connection", "updated").changes).toEqual([{ field: "name", from: "Zuora audit", to: "Zuora audit (prod)" }, { field: "secrets.clientSecret", changed: true }]);
    expect(byLabel("flow", "updated").changes).toEqual([{ field: "enabled", from: false, to: true }]);
    expect(byLabel("user", "updated").changes).toEqual([{ field: "role", from: "viewer", to: "admin" }]);

    const stored = JSON.stringify(await t.db.configChange.findMany({ select: { changes: true, entityLabel: true } }));
    for (const secret of ["first-client-secret-value", "second-client-secret-value", "first-hmac-secret", "acu-password-value", "acu-secret-value"]) expect(stored).not.toContain(secret);

    const rows = await csvOf(exportConfigChangesCsv({ db: t.db, filter: { entity: "mapping" } }));
    expect(rows.map((r) => [r.action, r.field, r.from, r.to, r.flow, r.actor])).toEqual([
      ["deleted", "targetValue", "41000", "", "Audit flow", admin.email],
      ["updated", "targetValue", "40000", "41000", "Audit flow", admin.email],
      ["created", "targetValue", "", "40000", "Audit flow", admin.email],
    ]);
    expect((await listConfigChanges({ db: t.db, filter: { q: "VIEWER-AUDIT" } })).items).toHaveLength(2);
  });
});
