// The IFS Cloud target adapter: one GL voucher per document, found by its rows' ReferenceNumber
// (the Zuora document number) before one is created, since IFS has no idempotency key.
import type { TargetDocumentRef } from "../ports";
import type { IfsCloudClient } from "./client";
import { ifsVoucherInputSchema, ifsVoucherKeysSchema, type IfsVoucher, type IfsVoucherKeys } from "./schemas";

/** The voucher's key as one string, e.g. `10/2026/I/42`: the target id and the reference shown to the admin. */
export const voucherIdOf = (v: IfsVoucherKeys) => `${v.Company}/${v.AccountingYear}/${v.VoucherType}/${v.VoucherNo}`;

/** The keys of a voucher id written by voucherIdOf. */
export const voucherKeysOf = (id: string): IfsVoucherKeys => {
  const [Company, year, VoucherType, no] = id.split("/");
  return ifsVoucherKeysSchema.parse({ Company, AccountingYear: Number(year), VoucherType, VoucherNo: Number(no) });
};

const refOf = (v: IfsVoucher): TargetDocumentRef => ({ targetId: voucherIdOf(v), targetRef: voucherIdOf(v), version: v["@odata.etag"] });

/** The IFS target of one runtime (one job). Entity: "Voucher"; the document is an IfsVoucherInput. */
export const createIfsCloudTarget = (client: IfsCloudClient) => {
  /** state of the vouchers found in this runtime, so a Confirmed one costs no second read */
  const stateOf = new Map<string, string>();
  return {
  findDocument: async ({ naturalKey }: { entity: string; naturalKey: string }): Promise<TargetDocumentRef | null> => {
    const found = await client.findVouchersByReference(naturalKey);
    for (const v of found) stateOf.set(voucherIdOf(v), v.Objstate);
    if (found.length > 1) {
      throw Object.assign(new Error(`IFS already holds ${found.length} vouchers with reference ${naturalKey} (${found.map(voucherIdOf).join(", ")}); cancel the extra ones there first`), { retryable: false });
    }
    return found[0] ? refOf(found[0]) : null;
  },
  createDocument: async ({ document }: { entity: string; naturalKey: string; document: unknown }): Promise<TargetDocumentRef> => refOf(await client.createVoucher(ifsVoucherInputSchema.parse(document))),
  /** A voucher an earlier attempt or another user left Waiting is confirmed (read for its ETag, then If-Match). */
  completeDocument: async ({ ref }: { entity: string; naturalKey: string; ref: TargetDocumentRef; document: unknown }) => {
    if (stateOf.get(ref.targetId) === "Confirmed") return;
    await client.confirmVoucher(voucherKeysOf(ref.targetId));
  },
  };
};
