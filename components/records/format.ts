/** Amount with its currency, two decimals, grouped, as an accountant reads it ("USD 1,234.50"). */
export const formatAmount = (amount: string | null, currency: string | null) => {
  if (amount === null) return "";
  const n = Number(amount);
  const text = Number.isFinite(n) ? n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 }) : amount;
  return currency ? `${currency} ${text}` : text;
};

/** Timestamp as "2026-11-23 14:05:09" in the browser's zone (server and client agree on the ISO input). */
export const formatDateTime = (value: string | Date | null) => {
  if (!value) return "";
  const d = typeof value === "string" ? new Date(value) : value;
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
};
