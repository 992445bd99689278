import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { generateKey } from "../lib/crypto";

/**
 * The embedded default's secrets, generated once into DATA_DIR and readable only by their owner
 * (mode 0600): the credentials key, the session-signing secret and the embedded Postgres password.
 * Losing master.key makes stored credentials unreadable, so it is never regenerated over an existing one.
 */
const secretsSchema = z.object({ pgPassword: z.string().min(16), nextauthSecret: z.string().min(32) });
export type LocalSecrets = z.infer<typeof secretsSchema> & { masterKey: string };

const writePrivate = async (file: string, content: string) => {
  await writeFile(file, content, { mode: 0o600, flag: "wx" });
  await chmod(file, 0o600);
};

export const loadOrCreateLocalSecrets = async (dataDir: string): Promise<LocalSecrets> => {
  await mkdir(dataDir, { recursive: true, mode: 0o755 });
  const keyFile = path.join(dataDir, "master.key");
  const secretsFile = path.join(dataDir, "secrets.json");
  const pgDir = path.join(dataDir, "pg");
  if (!existsSync(keyFile)) {
    if (existsSync(pgDir)) {
      throw new Error(
        `${keyFile} is missing but ${pgDir} exists: the credentials stored there cannot be read without it. Restore master.key from a backup (or move ${dataDir} aside to start afresh).`,
      );
    }
    await writePrivate(keyFile, generateKey() + "\n");
  }
  if (!existsSync(secretsFile)) {
    const fresh = { pgPassword: randomBytes(24).toString("base64url"), nextauthSecret: randomBytes(32).toString("base64url") };
    await writePrivate(secretsFile, JSON.stringify(fresh, null, 2) + "\n");
  }
  const parsed = secretsSchema.safeParse(JSON.parse(await readFile(secretsFile, "utf8")));
  if (!parsed.success) throw new Error(`${secretsFile} is damaged; restore it from a backup`);
  return { ...parsed.data, masterKey: (await readFile(keyFile, "utf8")).trim() };
};
