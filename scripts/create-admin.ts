import { readFile } from "node:fs/promises";
import path from "node:path";
import { createDb } from "../lib/db";
import { env } from "../lib/env";
import { createUser } from "../lib/users/create-user";
import { generatePassword } from "../lib/users/generate-password";
import { CREATE_ADMIN_USAGE, parseCreateAdminArgs } from "../lib/users/parse-create-admin-args";

/**
 * `npm run create-admin -- --email a@b.c [--password ...] [--role viewer]`: adds a user (admin by
 * default) to the database of DATABASE_URL or, without it, of the running embedded default
 * (DATA_DIR/secrets.json and PG_PORT, as written by `npm start`). Without --password a password
 * is generated and printed once.
 */

const NO_DATABASE = "No database: start ml-connector first (npm start) or set DATABASE_URL.";

const resolveDatabaseUrl = async (): Promise<string> => {
  const config = env();
  if (config.DATABASE_URL) return config.DATABASE_URL;
  try {
    const secrets = JSON.parse(await readFile(path.join(config.DATA_DIR, "secrets.json"), "utf8")) as { pgPassword?: unknown };
    if (typeof secrets.pgPassword !== "string") throw new Error("no pgPassword");
    return `postgresql://postgres:${encodeURIComponent(secrets.pgPassword)}@127.0.0.1:${config.PG_PORT}/ml_connector`;
  } catch {
    throw new Error(NO_DATABASE);
  }
};

const main = async () => {
  const args = parseCreateAdminArgs(process.argv.slice(2));
  const url = await resolveDatabaseUrl();
  const db = createDb(url, { max: 1 });
  try {
    await db.$queryRaw`SELECT 1`.catch(() => {
      throw new Error(`${NO_DATABASE} (could not reach ${new URL(url).host})`);
    });
    const password = args.password ?? generatePassword();
    const user = await createUser({ db, email: args.email, password, role: args.role });
    console.log(`Created ${user.role} ${user.email}.`);
    if (!args.password) console.log(`Initial password (shown once): ${password}`);
  } finally {
    await db.$disconnect();
  }
};

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: string })?.code;
  console.error(`create-admin: ${code === "CONFLICT" ? (err as { userMessage: string }).userMessage : message}`);
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" || code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") console.error(CREATE_ADMIN_USAGE);
  process.exit(1);
});
