import type { Db } from "../db";
import { AppError } from "../errors";
import { listValueMaps } from "./list-value-maps";
import { formatValueMapCsv } from "./parse-value-map-csv";

/** Characters no file system takes in a name (Windows' set, control characters included). */
const UNSAFE_IN_FILE_NAME = /[\\/:*?"<>|\u0000-\u001f\u007f]+/g;

const fileNamePart = (text: string) => text.replace(/\s*→\s*/g, " to ").replace(UNSAFE_IN_FILE_NAME, " ").replace(/\s+/g, " ").trim();

/**
 * The value maps of a flow (one kind, or every kind) as CSV (the format the import reads), in a file
 * named after the flow, the kind and the day of the export (UTC):
 * "<flow name> - <kind> mappings - 2026-12-07.csv". NOT_FOUND for an unknown flow.
 */
export const exportValueMaps = async ({ db, flowId, kind, now = new Date() }: { db: Db; flowId: string; kind?: string; now?: Date }): Promise<{ fileName: string; csv: string }> => {
  const flow = await db.flow.findUnique({ where: { id: flowId }, select: { name: true } });
  if (!flow) throw new AppError("NOT_FOUND", { userMessage: "This flow does not exist (any more)." });
  const name = fileNamePart(flow.name) || "flow";
  const what = kind ? `${fileNamePart(kind)} mappings` : "all mappings";
  return { fileName: `${name} - ${what} - ${now.toISOString().slice(0, 10)}.csv`, csv: formatValueMapCsv(await listValueMaps({ db, flowId, kind })) };
};
