// Adds lock entries for optional, platform-specific packages that the registry this project installs
// from does not serve (e.g. Next's and Tailwind's darwin/win32/android builds). npm leaves them out of
// package-lock.json, and `npm ci` then refuses the lock as "out of sync". Each stub names the package's
// os/cpu, so npm skips it on every other platform and fetches it by name where it applies.
// Run after changing dependencies: `node scripts/lockfile-platform-stubs.mjs`.
import { readFileSync, writeFileSync } from "node:fs";

const file = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(file, "utf8"));
const OS = { android: "android", darwin: "darwin", freebsd: "freebsd", linux: "linux", win32: "win32", openbsd: "openbsd", sunos: "sunos" };
const CPU = ["arm64", "x64", "ia32", "arm", "ppc64", "s390x", "riscv64", "loong64", "wasm32"];

const platformOf = (name) => {
  const parts = name.split("/").pop().split("-");
  const os = parts.find((p) => OS[p]);
  const cpu = parts.find((p) => CPU.includes(p));
  if (cpu === "wasm32") return { cpu: ["wasm32"] };
  return os && cpu ? { os: [os], cpu: [cpu] } : undefined;
};

let added = 0;
for (const [key, entry] of Object.entries(lock.packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const prefix = key === "" ? "" : `${key}/`;
    if (lock.packages[`${prefix}node_modules/${dep}`] || lock.packages[`node_modules/${dep}`]) continue;
    const platform = platformOf(dep);
    if (!platform) continue;
    lock.packages[`node_modules/${dep}`] = { version, ...(entry.dev ? { dev: true } : {}), optional: true, ...platform };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))));
writeFileSync(file, JSON.stringify(lock, null, 2) + "\n");
console.log(`lockfile: ${added} platform stub(s) added`);
