import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { build, type BuildOptions, type Plugin } from "esbuild";

/**
 * The worker runs from one esbuild bundle (`dist/worker.mjs`), not through tsx: tsx's loader hooks run
 * in a thread of their own (a second V8 isolate, ~30 MB resident) and transpile every file at start.
 * Our code (jobs/, lib/, the generated Prisma client) goes into the bundle; node_modules stay external.
 *
 * `ensureWorkerBundle()` builds it when it is missing or stale: the bundle records a hash of every
 * file it was built from, so an edit anywhere in its inputs rebuilds it on the next start (like the
 * web build of `npm start`, but checked on every start, since a bundle takes half a second).
 * `npm run worker`, `npm start`, the tests and the benchmarks all launch the worker through here.
 */

export const root = path.resolve(import.meta.dirname, "..");

/**
 * How the worker process is run, measured in bench/README.md ("Worker memory", "A larger young
 * generation against the memory target"):
 * - `--min-semi-space-size=2 --max-semi-space-size=2`: a young generation of 2 × 2 MB. A record's
 *   objects live across its vendor calls; in V8's 1 MB minimum (which `--optimize-for-size` implies, so
 *   that flag is not used) they are promoted and collected again by the old generation's GC, which costs
 *   the worker CPU per record.
 * - `--heap-growing-percent=10`: the old generation's limit 10 % above what survived its last GC. The
 *   worker's live heap under load is 30-40 MB, but with V8's default factor (up to 4×) the heap grew to
 *   ~130 MB before collecting: 310-370 MB resident at concurrency 8 (`--optimize-for-size`'s conservative
 *   factor does the same, with the 1 MB young generation above).
 * - `--no-wasm-dynamic-tiering`: Prisma's wasm query compiler stays on the baseline compiler: its optimized
 *   code, when V8 tiers it up at start, takes tens of MB that the worker keeps (the worker's hot path sends
 *   its own prepared statements, not Prisma queries).
 * - `--single-threaded`: no V8 helper threads (concurrent compilation and marking): ~30-40 MB less at
 *   idle (their stacks and malloc arenas); the worker waits on I/O, its GC and compilation fit its thread.
 * - MALLOC_ARENA_MAX=1: glibc's allocations of all threads (libuv pool included) in one arena, so freed
 *   native memory is reused rather than spread over per-thread arenas.
 * Keep in step with the "worker" script in package.json (scripts/worker-build.test.ts checks it).
 */
export const WORKER_NODE_FLAGS: readonly string[] = [
  "--single-threaded",
  "--min-semi-space-size=2",
  "--max-semi-space-size=2",
  "--heap-growing-percent=10",
  "--no-wasm-dynamic-tiering",
];
export const WORKER_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: "1" };

type Manifest = { entry: string; options: string; inputs: Record<string, string> };

const sha = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");

/** A bundle of `entry` (relative to `base`) into `outFile`, with the hashes of its inputs next to it. */
export const createBundler = ({ base, entry, outFile }: { base: string; entry: string; outFile: string }) => {
  const manifestFile = outFile.replace(/\.m?js$/, "") + ".inputs.json";
  const tsconfig = path.join(base, "tsconfig.json");
  const options: BuildOptions = {
    entryPoints: [path.join(base, entry)],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // node_modules are loaded by Node as usual (pg, graphile-worker, Prisma's runtime and its wasm)
    packages: "external",
    // <outFile>.map: with --enable-source-maps, stack traces name our files and lines
    sourcemap: "linked",
    sourcesContent: false,
    outfile: outFile,
    logLevel: "warning",
    absWorkingDir: base,
    ...(existsSync(tsconfig) ? { tsconfig } : {}),
    banner: { js: `// built by scripts/worker-build.ts from ${entry}; do not edit` },
  };
  const optionsKey = JSON.stringify(options);

  /** Why the bundle must be (re)built, or undefined when it is current (a few ms: ~70 small files hashed). */
  const staleReason = (): string | undefined => {
    let manifest: Manifest;
    try {
      manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as Manifest;
    } catch {
      return "no bundle yet";
    }
    if (!existsSync(outFile)) return "no bundle yet";
    if (manifest.entry !== entry || manifest.options !== optionsKey) return "build options changed";
    for (const [file, hash] of Object.entries(manifest.inputs)) {
      let data: Buffer;
      try {
        data = readFileSync(path.join(base, file));
      } catch {
        return `${file} was removed`;
      }
      if (sha(data) !== hash) return `${file} changed`;
    }
    return undefined;
  };

  /**
   * The manifest holds the hash of each file exactly as esbuild read it (an onLoad hook reads them), so
   * an edit made during the build is seen as a change on the next start. Everything is written to
   * temporary names and renamed, the manifest last, so processes starting at the same time (test files,
   * benchmark workers) never load a half-written bundle nor take an old one for current.
   */
  const buildBundle = async () => {
    const inputs: Record<string, string> = {};
    if (existsSync(tsconfig)) inputs["tsconfig.json"] = sha(await readFile(tsconfig)); // its paths resolve imports
    const hashSources: Plugin = {
      name: "hash-sources",
      setup(b) {
        b.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, async (args) => {
          if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
          const contents = await readFile(args.path);
          inputs[path.relative(base, args.path)] = sha(contents);
          return { contents, loader: /\.[cm]?tsx$/.test(args.path) ? "tsx" : /\.[cm]?ts$/.test(args.path) ? "ts" : "js" };
        });
      },
    };
    const result = await build({ ...options, write: false, plugins: [hashSources] });
    const dir = path.dirname(outFile);
    await mkdir(dir, { recursive: true });
    // build output: ignored by git without touching the project's .gitignore
    await writeFile(path.join(dir, ".gitignore"), "*\n");
    const suffix = `.${process.pid}.${Date.now()}.tmp`;
    const files = [
      ...(result.outputFiles ?? []).map((f) => ({ file: f.path, contents: f.contents })),
      { file: manifestFile, contents: JSON.stringify({ entry, options: optionsKey, inputs } satisfies Manifest, null, 1) },
    ];
    for (const f of files) await writeFile(f.file + suffix, f.contents);
    for (const f of files) await rename(f.file + suffix, f.file);
    return { file: outFile, inputs: Object.keys(inputs).length };
  };

  /** Builds the bundle if it is missing or stale; answers why it built (for a start-up line). */
  const ensure = async (): Promise<{ file: string; built?: string }> => {
    const reason = staleReason();
    if (!reason) return { file: outFile };
    await buildBundle();
    return { file: outFile, built: reason };
  };

  return { staleReason, build: buildBundle, ensure, file: outFile };
};

const workerBundler = createBundler({ base: root, entry: "jobs/worker.ts", outFile: path.join(root, "dist", "worker.mjs") });
export const WORKER_BUNDLE = workerBundler.file;
export const ensureWorkerBundle = workerBundler.ensure;

/** As `ensureWorkerBundle`, for callers that cannot wait (a stale bundle is built by a child process). */
export const ensureWorkerBundleSync = (): { file: string; built?: string } => {
  const reason = workerBundler.staleReason();
  if (!reason) return { file: WORKER_BUNDLE };
  const res = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "scripts", "worker-build.ts"), "--force"], { cwd: root, encoding: "utf8" });
  if (res.status !== 0) throw new Error(`worker bundle build failed: ${res.stderr || res.stdout}`);
  return { file: WORKER_BUNDLE, built: reason };
};

/** The command that runs a worker process (after `ensureWorkerBundle`): `node <flags> dist/worker.mjs`, its environment. */
export const workerCommand = (env: Record<string, string | undefined> = process.env): { command: string; args: string[]; env: NodeJS.ProcessEnv } => ({
  command: process.execPath,
  args: [...WORKER_NODE_FLAGS, WORKER_BUNDLE],
  env: { ...env, ...WORKER_ENV } as NodeJS.ProcessEnv,
});

// `tsx scripts/worker-build.ts` (the first half of `npm run worker`); `--force` rebuilds regardless
if (process.argv[1] && path.resolve(process.argv[1]) === path.join(root, "scripts", "worker-build.ts")) {
  const force = process.argv.includes("--force");
  const run = force ? workerBundler.build().then(() => ({ built: "--force" })) : ensureWorkerBundle();
  run.then(
    ({ built }) => {
      if (built) console.log(`[worker-build] built ${path.relative(root, WORKER_BUNDLE)} (${built})`);
    },
    (err: unknown) => {
      console.error(`[worker-build] failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
