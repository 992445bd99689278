/**
 * A country as an ISO 3166-1 alpha-2 code ("US"), from a code or an English country name ("United
 * States", any case), or undefined when neither. Names are the runtime's English region names
 * (Intl.DisplayNames), so a vendor's spelling that differs (e.g. "Korea, Republic of") needs a value map.
 */
let byName: Map<string, string> | undefined;
/** Region codes the runtime names that are not countries (European Union, Eurozone, United Nations, Outlying Oceania, Unknown). */
const NOT_COUNTRIES = new Set(["EU", "EZ", "UN", "QO", "ZZ"]);

const namesToCodes = () => {
  if (byName) return byName;
  const names = new Intl.DisplayNames(["en"], { type: "region", fallback: "none" });
  const out = new Map<string, string>();
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      const name = names.of(code);
      if (name && !NOT_COUNTRIES.has(code)) out.set(name.toLowerCase(), code);
    }
  }
  byName = out;
  return out;
};

export const toCountryCode = (country: string): string | undefined => {
  const text = country.trim();
  if (/^[A-Za-z]{2}$/.test(text)) {
    const code = text.toUpperCase();
    return new Set(namesToCodes().values()).has(code) ? code : undefined;
  }
  return namesToCodes().get(text.toLowerCase());
};
