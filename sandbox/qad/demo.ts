import { createRandom } from "../core/random";
import type { QadControl } from "./control";
import { DEFAULT_QAD_GL_ACCOUNTS } from "./tenant";

/*
 * The demo company in QAD: domain NWC, entity NWCUS (base currency USD), a chart whose codes are the Zuora demo
 * catalogue's accounting codes, banks in USD and EUR, and customers for about 80 % of the Zuora demo accounts.
 * QAD customer codes hold at most 8 characters, so a Zuora number (A00000042) never fits as it is: about half
 * of the matched customers carry its digits (00000042, found by number), the others a QAD code of their own
 * (C1001 ...) and the account's name written as a QAD user would (found by name). A few customers exist only
 * in QAD. Current and previous month are open; earlier periods are closed. Deterministic for a given seed.
 */

export const QAD_DEMO_WORKSPACE = { domainCode: "NWC", entityCode: "NWCUS", sharedSetCode: "NWC", currencyCode: "USD" } as const;
export const QAD_DEMO_WORKSPACE_ID = `${QAD_DEMO_WORKSPACE.domainCode}_${QAD_DEMO_WORKSPACE.entityCode}`;

export const QAD_DEMO_GL_ACCOUNTS = [
  { glCode: "10250", glDescription: "Bank Account EUR", glType: "Bank", currencyCode: "EUR" },
  { glCode: "10300", glDescription: "Lockbox USD", glType: "Bank", currencyCode: "USD" },
  { glCode: "23200", glDescription: "VAT Payable", glType: "Tax", currencyCode: "" },
  { glCode: "24000", glDescription: "Deferred Revenue", glType: "Standard", currencyCode: "" },
  { glCode: "49500", glDescription: "Credits and Allowances", glType: "Standard", currencyCode: "" },
] as const;

const QAD_ONLY = ["Brightwater Holdings Inc", "Copperline Tools LLC", "Northgate Freight Corp", "Saltmarsh Ventures GmbH", "Old Mill Bakery Inc"];

export type QadDemoAccount = { accountNumber: string; name: string; currency: string };

export type QadDemoResult = { customers: number; matchedByNumber: number; matchedByName: number; qadOnly: number };

/** A name as someone typing it into QAD might: legal-form punctuation dropped, sometimes upper case. */
const qadStyleName = (name: string, upper: boolean) => {
  const plain = name.replace(/\./g, "").replace(/\s+/g, " ").trim();
  return (upper ? plain.toUpperCase() : plain).slice(0, 36);
};

export const seedQadDemo = (options: { control: QadControl; accounts: QadDemoAccount[]; seed?: number; matchRate?: number; now?: Date }): QadDemoResult => {
  const { control } = options;
  const random = createRandom((options.seed ?? 42) + 13);
  const matchRate = options.matchRate ?? 0.8;
  const now = options.now ?? new Date();
  const year = now.getUTCFullYear();

  control.seed({ workspaces: [{ ...QAD_DEMO_WORKSPACE }], workspace: QAD_DEMO_WORKSPACE_ID, openYears: [year - 1, year, year + 1] });
  control.seed({ workspace: QAD_DEMO_WORKSPACE_ID, glAccounts: [...DEFAULT_QAD_GL_ACCOUNTS, ...QAD_DEMO_GL_ACCOUNTS].map((g) => ({ ...g })) });
  // Periods before the previous month are closed, as after a month-end close.
  const firstOpen = new Date(Date.UTC(year, now.getUTCMonth() - 1, 1));
  control.setPeriodStatus({ workspace: QAD_DEMO_WORKSPACE_ID, year: year - 1, status: "CLOSED" });
  for (let month = 1; month <= 12; month += 1) {
    if (Date.UTC(year, month - 1, 1) < firstOpen.getTime()) control.setPeriodStatus({ workspace: QAD_DEMO_WORKSPACE_ID, year, period: month, status: "CLOSED" });
  }
  if (firstOpen.getUTCFullYear() < year) control.setPeriodStatus({ workspace: QAD_DEMO_WORKSPACE_ID, year: year - 1, period: 12, status: "OPEN" });

  const customers: { customerCode: string; businessRelationName: string; currencyCode: string; isActive: boolean }[] = [];
  let byNumber = 0;
  let byName = 0;
  // A second demo seed (more Zuora accounts) continues the QAD numbering instead of overwriting customers.
  const taken = control.documents("customerV2s", QAD_DEMO_WORKSPACE_ID).map((c) => /^C(\d{4})$/.exec(String(c.customerCode))?.[1]);
  let nextCode = Math.max(1000, ...taken.map(Number).filter((n) => n < 9000)) + 1;
  for (const account of options.accounts) {
    if (random.next() >= matchRate) continue;
    if (random.next() < 0.55) {
      byNumber += 1;
      customers.push({ customerCode: account.accountNumber.replace(/^\D+/, "").slice(-8), businessRelationName: account.name.slice(0, 36), currencyCode: account.currency, isActive: true });
    } else {
      byName += 1;
      customers.push({ customerCode: `C${nextCode++}`, businessRelationName: qadStyleName(account.name, random.next() < 0.3), currencyCode: account.currency, isActive: true });
    }
  }
  QAD_ONLY.forEach((name, i) => customers.push({ customerCode: `C9${String(i + 1).padStart(3, "0")}`, businessRelationName: name, currencyCode: "USD", isActive: i !== QAD_ONLY.length - 1 }));
  control.seed({ workspace: QAD_DEMO_WORKSPACE_ID, customers });
  return { customers: customers.length, matchedByNumber: byNumber, matchedByName: byName, qadOnly: QAD_ONLY.length };
};
