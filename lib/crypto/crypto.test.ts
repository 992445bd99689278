import { describe, expect, it } from "vitest";
import { createKeyring, decryptJson, decryptSecret, encryptJson, encryptSecret, generateKey, needsReEncryption, reEncrypt } from "./index";

const keyring = createKeyring({ key: generateKey() });

describe("credential encryption", () => {
  it("round-trips and never repeats a ciphertext (random IV)", () => {
    const a = encryptSecret("s3cret-value", { keyring });
    const b = encryptSecret("s3cret-value", { keyring });
    expect(a).not.toEqual(b);
    expect(a).not.toContain("s3cret");
    expect(decryptSecret(a, { keyring })).toBe("s3cret-value");
    expect(decryptJson(encryptJson({ clientSecret: "x" }, { keyring }), { keyring })).toEqual({ clientSecret: "x" });
  });

  it("rejects a tampered ciphertext, IV or tag", () => {
    const envelope = encryptSecret("s3cret-value", { keyring });
    const parts = envelope.split(".");
    for (const index of [2, 3, 4]) {
      const changed = [...parts];
      const bytes = Buffer.from(changed[index]!, "base64url");
      bytes[0] = bytes[0]! ^ 0x01;
      changed[index] = bytes.toString("base64url");
      expect(() => decryptSecret(changed.join("."), { keyring })).toThrow(/failed authentication/);
    }
  });

  it("binds an envelope to its context", () => {
    const envelope = encryptSecret("s3cret-value", { keyring, context: "connection-a" });
    expect(decryptSecret(envelope, { keyring, context: "connection-a" })).toBe("s3cret-value");
    expect(() => decryptSecret(envelope, { keyring, context: "connection-b" })).toThrow(/failed authentication/);
  });

  it("says which key is missing instead of returning garbage", () => {
    const envelope = encryptSecret("s3cret-value", { keyring });
    const other = createKeyring({ key: generateKey() });
    expect(() => decryptSecret(envelope, { keyring: other })).toThrow(/encrypted with key [0-9a-f]{8}, which is not configured/);
  });

  it("rotates: old key still decrypts, re-encryption moves to the new key", () => {
    const oldKey = generateKey();
    const before = createKeyring({ key: oldKey });
    const envelope = encryptSecret("s3cret-value", { keyring: before });
    const after = createKeyring({ key: generateKey(), oldKeys: oldKey });
    expect(needsReEncryption(envelope, after)).toBe(true);
    const rotated = reEncrypt(envelope, { keyring: after });
    expect(needsReEncryption(rotated, after)).toBe(false);
    const newKeyOnly = createKeyring({ key: after.current.key.toString("base64") });
    expect(decryptSecret(rotated, { keyring: newKeyOnly })).toBe("s3cret-value");
  });

  it("refuses keys of the wrong size and a missing key", () => {
    expect(() => createKeyring({ key: Buffer.alloc(16).toString("base64") })).toThrow(/32 bytes/);
    expect(() => createKeyring({ key: undefined })).toThrow(/ML_CONNECTOR_KEY is not set/);
  });
});
