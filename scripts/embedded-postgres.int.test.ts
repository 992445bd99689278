import { mkdtemp, writeFile, chmod, stat, rm, mkdir } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, startEmbeddedPostgres } from "./embedded-postgres";
import { loadOrCreateLocalSecrets } from "./local-secrets";

const tempDir = async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "mlc-epg-"));
  await chmod(dir, 0o755);
  return dir;
};

describe("embedded Postgres of npm start", () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it("keeps its data across a stop and a second start", async () => {
    const dataDir = path.join(await tempDir(), "pg");
    const port = await freePort();
    const first = await startEmbeddedPostgres({ dataDir, port, password: "first-password-123" });
    const a = new pg.Client({ connectionString: first.connectionString() });
    await a.connect();
    await a.query("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");
    await a.end();
    await first.stop();

    const second = await startEmbeddedPostgres({ dataDir, port, password: "first-password-123" });
    cleanup.push(() => second.stop());
    const b = new pg.Client({ connectionString: second.connectionString() });
    await b.connect();
    const { rows } = await b.query("SELECT v FROM kept");
    await b.end();
    expect(rows).toEqual([{ v: "still here" }]);
  });

  it("takes its clients over a Unix-domain socket beside its data, keeps TCP on 127.0.0.1, and uses TCP alone where a socket's path would be too long", async () => {
    const parent = await tempDir();
    const port = await freePort();
    const server = await startEmbeddedPostgres({ dataDir: path.join(parent, "pg"), port, password: "socket-password-123", persistent: false });
    cleanup.push(() => server.stop());
    expect(server.socketDir).toBe(path.join(parent, "pg-socket"));
    expect((await stat(path.join(parent, "pg-socket", `.s.PGSQL.${port}`))).isSocket()).toBe(true);
    const serverAddress = async (connectionString: string) => {
      const client = new pg.Client({ connectionString });
      await client.connect();
      const { rows } = await client.query<{ addr: string | null }>("SELECT host(inet_server_addr()) AS addr");
      await client.end();
      return rows[0]!.addr;
    };
    // no server address: the connection came through the socket
    expect(await serverAddress(server.connectionString())).toBeNull();
    expect(await serverAddress(`postgresql://postgres:socket-password-123@127.0.0.1:${port}/postgres`)).toBe("127.0.0.1");

    const deep = path.join(await tempDir(), "d".repeat(100), "pg");
    const said: string[] = [];
    const tcpOnly = await startEmbeddedPostgres({ dataDir: deep, port: await freePort(), password: "socket-password-123", persistent: false, log: (m) => said.push(m) });
    cleanup.push(() => tcpOnly.stop());
    expect(tcpOnly.socketDir).toBeUndefined();
    expect(said.join("\n")).toContain(`clients reach Postgres over TCP on 127.0.0.1:${tcpOnly.port}`);
    expect(await serverAddress(tcpOnly.connectionString())).toBe("127.0.0.1");
  });

  it("says clearly when its port is taken", async () => {
    const server = net.createServer().listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    cleanup.push(() => new Promise((r) => server.close(r)));
    const port = (server.address() as net.AddressInfo).port;
    await expect(startEmbeddedPostgres({ dataDir: path.join(await tempDir(), "pg"), port, password: "x".repeat(16) })).rejects.toThrow(
      new RegExp(`Port ${port} is already in use.*PG_PORT`),
    );
  });

  it("refuses a folder that holds something other than a cluster, without touching it", async () => {
    const dataDir = path.join(await tempDir(), "pg");
    await mkdir(dataDir);
    await writeFile(path.join(dataDir, "notes.txt"), "mine");
    await expect(startEmbeddedPostgres({ dataDir, port: await freePort(), password: "x".repeat(16) })).rejects.toThrow(
      /not empty but holds no Postgres cluster/,
    );
    expect((await stat(path.join(dataDir, "notes.txt"))).size).toBe(4);
  });
});

describe("secrets of the embedded default", () => {
  it("are generated once, private to their owner, and stable across starts", async () => {
    const dir = await tempDir();
    const first = await loadOrCreateLocalSecrets(dir);
    expect(Buffer.from(first.masterKey, "base64")).toHaveLength(32);
    expect((await stat(path.join(dir, "master.key"))).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(dir, "secrets.json"))).mode & 0o777).toBe(0o600);
    expect(await loadOrCreateLocalSecrets(dir)).toEqual(first);
    await rm(dir, { recursive: true });
  });

  it("refuse to make a new key when a cluster exists without one (its credentials would be unreadable)", async () => {
    const dir = await tempDir();
    await loadOrCreateLocalSecrets(dir);
    await mkdir(path.join(dir, "pg"));
    await rm(path.join(dir, "master.key"));
    await expect(loadOrCreateLocalSecrets(dir)).rejects.toThrow(/master.key is missing/);
    await rm(dir, { recursive: true });
  });
});
