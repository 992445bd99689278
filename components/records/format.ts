/** Amount with its currency, two decimals, grouped, as an accountant reads it ("USD 1,234.50"). */
export const formatAmount = (amount: string | null, currency: string | null) => {
  if (amount === null) return "";
  const n = Number(amount);
  const text = Number.isFinite(n) ? n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 }) : amount;
  return currency ? `${currency} ${text}` : text;
};
