import { verify } from "@node-rs/argon2";

/** True when `password` matches the PHC `hash`; false (never throws) for a malformed hash. */
export const verifyPassword = async ({ hash, password }: { hash: string; password: string }): Promise<boolean> => {
  try {
    return await verify(hash, password);
  } catch {
    return false;
  }
};
