import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "@/test/db";
import { authenticateUser } from "@/lib/auth/authenticate-user";

const run = promisify(execFile);
const SCRIPT = path.resolve(import.meta.dirname, "create-admin.ts");

/** Runs the real CLI in a child process; resolves with its exit code and output. */
const createAdmin = async (args: string[], env: Record<string, string>) => {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", SCRIPT, ...args], {
      env: { PATH: process.env.PATH ?? "", NODE_ENV: "test", ...env },
      cwd: path.resolve(import.meta.dirname, ".."),
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t.drop());

describe("npm run create-admin", () => {
  it("creates an admin with a generated password, printed once, that signs in", async () => {
    const { code, stdout } = await createAdmin(["--email", "Ops@Example.com"], { DATABASE_URL: t.url });
    expect(code).toBe(0);
    expect(stdout).toContain("Created admin ops@example.com.");
    const password = /Initial password \(shown once\): (\S+)/.exec(stdout)?.[1];
    expect(password).toBeDefined();
    expect(await authenticateUser({ db: t.db, email: "ops@example.com", password: password! })).toMatchObject({
      ok: true,
      user: { role: "admin" },
    });
  });

  it("creates a viewer with the given password and does not print it", async () => {
    const { code, stdout } = await createAdmin(["--email", "v@example.com", "--role", "viewer", "--password", "given-password-1"], {
      DATABASE_URL: t.url,
    });
    expect(code).toBe(0);
    expect(stdout).not.toContain("given-password-1");
    expect((await authenticateUser({ db: t.db, email: "v@example.com", password: "given-password-1" })).ok).toBe(true);
  });

  it("refuses a taken e-mail with a clear message", async () => {
    const { code, stderr } = await createAdmin(["--email", "v@example.com", "--password", "another-password"], { DATABASE_URL: t.url });
    expect(code).toBe(1);
    expect(stderr).toContain("A user with the e-mail v@example.com already exists.");
  });

  it("explains what to do when there is no database", async () => {
    const emptyDataDir = await mkdtemp(path.join(os.tmpdir(), "mlc-create-admin-"));
    const { code, stderr } = await createAdmin(["--email", "x@example.com"], { DATA_DIR: emptyDataDir });
    expect(code).toBe(1);
    expect(stderr).toContain("start ml-connector first (npm start) or set DATABASE_URL");

    // secrets.json of an embedded default whose Postgres is not running
    await writeFile(path.join(emptyDataDir, "secrets.json"), JSON.stringify({ pgPassword: "x".repeat(24) }));
    const stopped = await createAdmin(["--email", "x@example.com"], { DATA_DIR: emptyDataDir, PG_PORT: "1" });
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toContain("start ml-connector first");
  });
});
