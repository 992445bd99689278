import { createHash, randomBytes } from "node:crypto";

/** A deterministic pseudo-random source: the same seed yields the same sequence, so a run can be replayed. */
export type Random = {
  /** Uniform in [0, 1). */
  next: () => number;
  /** Integer in [min, max], both inclusive. */
  int: (min: number, max: number) => number;
  pick: <T>(items: readonly T[]) => T;
  /** 32 lower-case hex characters, the shape of a Zuora object id. */
  hex32: () => string;
};

/** mulberry32: tiny, fast and good enough for test data and fault decisions (not for secrets). */
export const createRandom = (seed: number): Random => {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => {
    if (items.length === 0) throw new Error("pick from an empty list");
    return items[int(0, items.length - 1)] as T;
  };
  const hex32 = () => {
    let out = "";
    for (let i = 0; i < 4; i += 1) out += Math.floor(next() * 4294967296).toString(16).padStart(8, "0");
    return out;
  };
  return { next, int, pick, hex32 };
};

/**
 * Uniform in [0, 1) from a seed and a list of parts, without shared state: the n-th request matching a rule
 * gets the same draw whatever other traffic happened in between.
 */
export const hashToUnit = (seed: number, ...parts: (string | number)[]): number => {
  const digest = createHash("sha256").update(`${seed}|${parts.join("|")}`).digest();
  return digest.readUInt32BE(0) / 4294967296;
};

/** Unpredictable 32-hex id (tokens, request ids); not seeded on purpose. */
export const randomHex32 = (): string => randomBytes(16).toString("hex");
