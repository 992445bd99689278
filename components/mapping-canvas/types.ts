import type { BoardSource, BoardTarget, MappingBoard } from "@/lib/mapping-admin/get-mapping-board";

export type { BoardSource, BoardTarget, MappingBoard };

/** Total waiting amount per currency as "USD 1,234.00 · EUR 99.00". */
export const formatAmounts = (amountByCurrency: Record<string, string>) =>
  Object.entries(amountByCurrency)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([c, a]) => `${c} ${Number(a).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`)
    .join(" · ");
