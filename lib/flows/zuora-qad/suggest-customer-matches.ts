/*
 * Suggestions for the customer match: which QAD customer a Zuora billing account probably is. QAD
 * customer codes hold 8 characters, so a Zuora number (A00000042) is found as the code itself or as its
 * digits (00000042, or 42 without the zeros); a name is compared without case, punctuation and extra
 * spaces ("Acme Analytics Inc." = "ACME ANALYTICS INC"). Only a single active candidate is suggested;
 * nothing is ever mapped without the admin.
 */

export type MatchCandidate = { customerCode: string; name: string | null; isActive?: boolean | null };
export type CustomerSuggestion = { customerCode: string; name: string | null; by: "number" | "name" };

const normaliseName = (name: string) =>
  name
    .toLowerCase()
    .replace(/[.,'"()&/\\-]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();

const digitsOf = (value: string) => (/^\D*(\d+)$/.exec(value)?.[1] ?? "").replace(/^0+(?=\d)/, "");

const push = <K, V>(map: Map<K, V[]>, key: K, value: V) => {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
};

/** An index of QAD customers answering `suggest(account)` by number first, then by name. */
export const indexCustomersForMatching = (customers: readonly MatchCandidate[]) => {
  const byCode = new Map<string, MatchCandidate[]>();
  const byDigits = new Map<string, MatchCandidate[]>();
  const byName = new Map<string, MatchCandidate[]>();
  for (const c of customers) {
    if (c.isActive === false) continue;
    push(byCode, c.customerCode.toUpperCase(), c);
    if (/^\d+$/.test(c.customerCode)) push(byDigits, digitsOf(c.customerCode), c);
    if (c.name) push(byName, normaliseName(c.name), c);
  }
  const only = (list: MatchCandidate[] | undefined, by: CustomerSuggestion["by"]): CustomerSuggestion | null =>
    list && list.length === 1 ? { customerCode: list[0]!.customerCode, name: list[0]!.name, by } : null;
  return {
    suggest: (account: { accountNumber: string; name?: string | null }): CustomerSuggestion | null => {
      const digits = digitsOf(account.accountNumber);
      return (
        only(byCode.get(account.accountNumber.toUpperCase()), "number") ??
        (digits ? only(byDigits.get(digits), "number") : null) ??
        (account.name ? only(byName.get(normaliseName(account.name)), "name") : null)
      );
    },
  };
};

/** The label of a source value carrying its suggestion, e.g. "Acme Inc. · suggested: 00000042 Acme Inc. (same number)". */
export const suggestionLabel = (name: string | null, suggestion: CustomerSuggestion | null) =>
  suggestion ? `${name ?? ""} · suggested: ${suggestion.customerCode}${suggestion.name ? ` ${suggestion.name}` : ""} (same ${suggestion.by})`.trim() : name;

/** The suggested customer code in a label written by `suggestionLabel`, or null. */
export const suggestedCodeOf = (label: string | null | undefined) => /· suggested: (\S+)/.exec(label ?? "")?.[1] ?? null;
