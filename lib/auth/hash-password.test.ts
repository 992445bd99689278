import { describe, expect, it } from "vitest";
import { hashPassword } from "./hash-password";
import { verifyPassword } from "./verify-password";

describe("hashPassword / verifyPassword", () => {
  it("produces an argon2id PHC string that verifies only the same password", async () => {
    const hash = await hashPassword("correct horse battery");
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword({ hash, password: "correct horse battery" })).toBe(true);
    expect(await verifyPassword({ hash, password: "correct horse batterY" })).toBe(false);
  });

  it("salts every hash", async () => {
    expect(await hashPassword("same password 1")).not.toBe(await hashPassword("same password 1"));
  });

  it("returns false instead of throwing for a malformed hash", async () => {
    expect(await verifyPassword({ hash: "not-a-hash", password: "whatever12345" })).toBe(false);
  });
});
