import { execFile } from "node:child_process";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBundler, root, WORKER_BUNDLE, WORKER_ENV, WORKER_NODE_FLAGS, workerCommand } from "./worker-build";

const run = promisify(execFile);

describe("worker bundle (scripts/worker-build.ts)", () => {
  let dir: string;
  let bundler: ReturnType<typeof createBundler>;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "mlc-bundle-"));
    await chmod(dir, 0o755);
    await writeFile(path.join(dir, "entry.ts"), `import { greet } from "./dep";\nconst n: number = 2;\nconsole.log(greet(n));\n`);
    await writeFile(path.join(dir, "dep.ts"), `export const greet = (n: number): string => "hello " + n;\n`);
    bundler = createBundler({ base: dir, entry: "entry.ts", outFile: path.join(dir, "dist", "out.mjs") });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("builds a missing bundle, then leaves a current one alone", async () => {
    expect(bundler.staleReason()).toBe("no bundle yet");
    expect((await bundler.ensure()).built).toBe("no bundle yet");
    expect(bundler.staleReason()).toBeUndefined();
    expect(await bundler.ensure()).toEqual({ file: bundler.file });
    const { stdout } = await run(process.execPath, [bundler.file]);
    expect(stdout.trim()).toBe("hello 2");
    // the output folder ignores itself in git
    expect(await readFile(path.join(dir, "dist", ".gitignore"), "utf8")).toBe("*\n");
  });

  it("rebuilds when a file it was built from changes or disappears", async () => {
    await writeFile(path.join(dir, "dep.ts"), `export const greet = (n: number): string => "changed " + n;\n`);
    expect(bundler.staleReason()).toBe("dep.ts changed");
    expect((await bundler.ensure()).built).toBe("dep.ts changed");
    expect((await run(process.execPath, [bundler.file])).stdout.trim()).toBe("changed 2");

    await writeFile(path.join(dir, "entry.ts"), `console.log("alone");\n`);
    await bundler.ensure();
    expect(bundler.staleReason()).toBeUndefined();
    await rm(path.join(dir, "entry.ts"));
    expect(bundler.staleReason()).toBe("entry.ts was removed");
  });

  it("npm run worker starts the bundle with the same flags as npm start, the tests and the benchmarks", async () => {
    const pkg = JSON.parse(await readFile(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> };
    const { args, env } = workerCommand({ DATABASE_URL: "postgresql://x" });
    expect(args).toEqual([...WORKER_NODE_FLAGS, WORKER_BUNDLE]);
    expect(env).toEqual({ DATABASE_URL: "postgresql://x", ...WORKER_ENV });
    const assignments = Object.entries(WORKER_ENV).map(([k, v]) => `${k}=${v} `).join("");
    expect(pkg.scripts.worker).toBe(`tsx scripts/worker-build.ts && ${assignments}exec node ${[...WORKER_NODE_FLAGS, path.relative(root, WORKER_BUNDLE)].join(" ")}`);
  });
});
