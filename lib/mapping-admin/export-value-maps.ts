import type { Db } from "../db";
import { AppError } from "../errors";
import { listValueMaps } from "./list-value-maps";
import { formatValueMapCsv } from "./parse-value-map-csv";

/** Characters no file system takes in a name (Windows' set, control characters included). */
const UNSAFE_IN_FILE_NAME = /[\\/:*?"<>|\u0000-\u001f\u007f]+/g;

/**
 * Every value map of a flow as CSV (the format the import reads), with a file name taken from the
 * flow's name ("<flow name> mappings.csv"). NOT_FOUND for an unknown flow.
 */
export const exportValueMaps = async ({ db, flowId }: { db: Db; flowId: string }): Promise<{ fileName: string; csv: string }> => {
  const flow = await db.flow.findUnique({ where: { id: flowId }, select: { name: true } });
  if (!flow) throw new AppError("NOT_FOUND", { userMessage: "This flow does not exist (any more)." });
  const name = flow.name.replace(UNSAFE_IN_FILE_NAME, " ").replace(/\s+/g, " ").trim() || "flow";
  return { fileName: `${name} mappings.csv`, csv: formatValueMapCsv(await listValueMaps({ db, flowId })) };
};
