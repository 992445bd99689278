import { hash } from "@node-rs/argon2";

/** Algorithm.Argon2id; a const enum in @node-rs/argon2, which isolatedModules cannot inline. */
const ARGON2ID = 2;

/**
 * argon2id with the OWASP-recommended minimum (19 MiB, 2 passes, 1 lane). The PHC string
 * carries its parameters, so raising them later keeps old hashes verifiable.
 */
export const hashPassword = (password: string): Promise<string> =>
  hash(password, { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
