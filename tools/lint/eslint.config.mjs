// ESLint for the whole repository: Next's and TypeScript's recommended rules, plus the import
// boundaries of docs/architecture.md as `import/no-restricted-paths` zones. Run from the repository
// root with `npm run lint` (the config lives here so that its plugins resolve from this workspace).
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import { createRequire } from "node:module";
import path from "node:path";

/** The repository being linted: ESLint runs from its root (`npm run lint`). */
const root = process.cwd();
/** eslint-plugin-import as Next's config registers it (a second copy would be refused). */
const importPlugin = nextVitals.find((config) => config.plugins?.import)?.plugins.import;

/** Pure helpers (no I/O, no server dependency) that pages and components share with the server. */
const PURE_LIB = ["mapping-admin/board-order", "connections/form-values", "records/reveal-bidi-controls", "auth/describe-login-error"];

/**
 * Modules the browser bundle must never load. Type-only imports are allowed (they are erased); shared
 * view types and zod schemas (`views.ts`, `schemas.ts`) and pure code (`lib/mapping`) are browser-safe.
 */
const SERVER_ONLY = [
  { group: ["@/lib/*", "!@/lib/*/", "@/lib/*/*", "!@/lib/*/views", "!@/lib/*/schemas", "!@/lib/*/*-schemas", "!@/lib/mapping/*", "!@/lib/errors", "!@/lib/actions/*", ...PURE_LIB.map((m) => `!@/lib/${m}`)], message: "Browser code imports no server module: use a views.ts/schemas.ts module, a type-only import or an API route." },
  { group: ["pg", "@prisma/*", "graphile-worker", "node:*", "@/lib/generated/*"], message: "Browser code imports no server module." },
];

/** Folders whose code serves every vendor and every flow (the admin): they name none. */
const ADMIN = ["./app", "./components", "./lib/connections", "./lib/flows-admin", "./lib/mapping-admin", "./lib/actions", "./lib/records", "./lib/dashboard"];

/** The engine (the sync and its jobs): it too serves every vendor and every flow, through the registries and the ports. */
const ENGINE = ["./lib/sync", "./jobs"];

/** Vendor ids and names: what a string in admin or engine code must not spell (a vendor's URL scheme, a `vendor === "zuora"` branch). */
const VENDOR_NAMES = "/(zuora|acumatica|netsuite|zoho|\\bqad\\b|\\bifs\\b)/i";

/**
 * The nevers. Each zone: files in `target` may not import from `from` (except `except`, relative to `from`).
 * Type-only imports count too: a type names its module just as a value does.
 */
const boundaries = [
  { target: "./lib", from: ["./app", "./components"], message: "lib/ never imports app/ or components/." },
  { target: "./lib", from: "./sandbox", message: "lib/ never imports the sandbox: the connector must not know it talks to one." },
  { target: ["./app", "./components", "./jobs", "./scripts/start.ts"], from: "./sandbox/acumatica", message: "Only tests and the start-up script may reach the sandbox, through sandbox/index.ts." },
  { target: "./sandbox", from: ["./lib", "./app", "./components", "./jobs"], message: "The sandbox is an independent reading of the vendor: it never imports lib/ (it reads its own settings)." },
  {
    target: "./lib/connectors",
    from: ["./lib/flows", "./lib/sync", "./lib/connections", "./lib/flows-admin", "./lib/mapping-admin", "./lib/actions", "./lib/records", "./lib/dashboard", "./lib/users", "./lib/auth"],
    message: "Connectors never import flows, the engine or admin code.",
  },
  {
    target: "./lib/http",
    from: ["./lib/connectors", "./lib/flows", "./lib/sync", "./lib/connections", "./lib/mapping", "./lib/audit", "./lib/flows-admin", "./lib/mapping-admin", "./lib/actions", "./lib/records", "./lib/dashboard", "./lib/users", "./lib/auth"],
    message: "lib/http imports no domain folder.",
  },
  { target: "./lib/mapping", from: ["./lib", "./app", "./components", "./jobs"], except: ["./mapping"], message: "lib/mapping stays pure: it imports nothing of ours but itself." },
  { target: ADMIN, from: "./lib/connectors", except: ["./types.ts", "./index.ts", "./registry.ts"], message: "Admin code names no vendor: it reads connector declarations through the registry." },
  { target: ADMIN, from: "./lib/flows", except: ["./index.ts", "./types.ts", "./registry.ts"], message: "Admin code names no flow: it reads flow declarations through the registry." },
  { target: ENGINE, from: "./lib/connectors", except: ["./types.ts", "./index.ts", "./registry.ts", "./ports.ts", "./describe-failure.ts"], message: "The engine names no vendor: it reaches connectors through the registry and the ports." },
  { target: ENGINE, from: "./lib/flows", except: ["./index.ts", "./types.ts", "./registry.ts"], message: "The engine names no flow: it reaches flows through the registry." },
];

/** Zones as `import/no-restricted-paths` options. */
const zonesOf = (list) => list.flatMap(({ target, from, except, message }) => [target].flat().map((t) => ({ target: t, from, except, message })));

/** Tests drive the real sandbox and may declare fixtures from a flow's own module; every other never holds. */
const TEST_EXEMPT = new Set([
  "lib/ never imports the sandbox: the connector must not know it talks to one.",
  "Admin code names no flow: it reads flow declarations through the registry.",
  "The engine names no flow: it reaches flows through the registry.",
  "The engine names no vendor: it reaches connectors through the registry and the ports.",
]);

/** Test files and their fixtures: they may set up a named vendor's connection. */
const TEST_FILES = ["**/*.test.ts", "**/*.fixture.ts", "**/*.chaos.ts", "test/**/*.ts", "bench/**/*.ts"];

/** Admin and engine code written by hand: no string in it names a vendor (each vendor's facts live in its connector folder). */
const noVendorNames = {
  files: [...ADMIN, ...ENGINE].map((folder) => `${folder.slice(2)}/**/*.{ts,tsx}`),
  ignores: TEST_FILES,
  rules: {
    "no-restricted-syntax": [
      "error",
      ...["Literal", "JSXText"].map((node) => ({ selector: `${node}[value=${VENDOR_NAMES}]`, message: "Admin and engine code names no vendor: ask the connector (lib/connectors/registry.ts) for what differs by vendor." })),
      { selector: `TemplateElement[value.raw=${VENDOR_NAMES}]`, message: "Admin and engine code names no vendor: ask the connector (lib/connectors/registry.ts) for what differs by vendor." },
    ],
  },
};

const config = [
  { ignores: ["node_modules/**", "**/node_modules/**", ".next/**", ".data/**", "lib/generated/**", "dist/**", "next-env.d.ts", "test-results/**", "playwright-report/**", "bench/results/**"] },
  ...nextVitals,
  ...nextTs,
  {
    plugins: { import: importPlugin },
    // By path: eslint-plugin-import is hoisted to the root, the resolver lives in this workspace.
    settings: { "import/resolver": { [createRequire(import.meta.url).resolve("eslint-import-resolver-typescript")]: { project: path.join(root, "tsconfig.json") } } },
    rules: {
      "import/no-restricted-paths": ["error", { basePath: root, zones: zonesOf(boundaries) }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  {
    files: ["components/**/*.{ts,tsx}", "app/**/*-client.tsx"],
    rules: { "@typescript-eslint/no-restricted-imports": ["error", { patterns: SERVER_ONLY.map((p) => ({ ...p, allowTypeImports: true })) }] },
  },
  noVendorNames,
  {
    files: TEST_FILES,
    rules: { "import/no-restricted-paths": ["error", { basePath: root, zones: zonesOf(boundaries.filter((b) => !TEST_EXEMPT.has(b.message))) }] },
  },
  // The sandbox is a Fastify server, not Next code; e2e journeys are Playwright (its fixtures' `use` is no React hook).
  { files: ["sandbox/**/*.ts"], rules: { "@next/next/no-assign-module-variable": "off" } },
  { files: ["e2e/**/*.ts"], rules: { "react-hooks/rules-of-hooks": "off" } },
  { files: ["**/*.cjs"], rules: { "@typescript-eslint/no-require-imports": "off" } },
];

export default config;
