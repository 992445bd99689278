import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from "node:crypto";
import { env } from "../env";

/**
 * Credentials at rest: AES-256-GCM with a random 96-bit IV per encryption and the 128-bit tag
 * checked on decryption, so a wrong key or a changed byte is an error, never garbage.
 *
 * Envelope (ASCII, safe for a TEXT column): `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts).
 * `keyId` is derived from the key itself, so rotation is: set the new key as ML_CONNECTOR_KEY, move
 * the old one to ML_CONNECTOR_OLD_KEYS, run `reEncrypt` over stored envelopes (see `needsReEncryption`),
 * then drop the old key. An optional `context` (e.g. the connection id) is bound as additional
 * authenticated data, so an envelope copied onto another row does not decrypt.
 */

export class CryptoError extends Error {
  override name = "CryptoError";
}

export type Keyring = { current: { id: string; key: Buffer }; all: Map<string, Buffer> };

const VERSION = "v1";

const parseKey = (text: string, name: string): Buffer => {
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, "hex") : Buffer.from(trimmed, "base64");
  if (key.length !== 32) {
    throw new CryptoError(`${name} must be 32 bytes, as base64 (44 characters) or hex (64 characters); got ${key.length} bytes`);
  }
  return key;
};

/** Stable, non-secret 8-character id of a key. */
export const keyIdOf = (key: Buffer) => createHash("sha256").update("ml-connector-key-id:").update(key).digest("hex").slice(0, 8);

/** A new random key, base64-encoded (what ML_CONNECTOR_KEY holds). */
export const generateKey = () => randomBytes(32).toString("base64");

export const createKeyring = ({ key, oldKeys }: { key: string | undefined; oldKeys?: string }): Keyring => {
  if (!key) throw new CryptoError("ML_CONNECTOR_KEY is not set: credentials cannot be encrypted or read");
  const current = parseKey(key, "ML_CONNECTOR_KEY");
  const all = new Map<string, Buffer>([[keyIdOf(current), current]]);
  for (const old of (oldKeys ?? "").split(",").filter((k) => k.trim())) {
    const k = parseKey(old, "ML_CONNECTOR_OLD_KEYS entry");
    all.set(keyIdOf(k), k);
  }
  return { current: { id: keyIdOf(current), key: current }, all };
};

let cachedKeyring: Keyring | undefined;
const defaultKeyring = () =>
  (cachedKeyring ??= createKeyring({ key: env().ML_CONNECTOR_KEY, oldKeys: env().ML_CONNECTOR_OLD_KEYS }));

type Options = { context?: string; keyring?: Keyring };

/**
 * A keyed fingerprint of `text`: HMAC-SHA256 (hex) under a key derived from the current credentials
 * key for `purpose`. Equal texts give equal fingerprints under one key; without the key nothing about
 * the text can be learnt or guessed from it (unlike a plain hash of a short secret).
 */
export const keyedHash = (text: string, { purpose, keyring = defaultKeyring() }: { purpose: string; keyring?: Keyring }): string =>
  createHmac("sha256", createHmac("sha256", keyring.current.key).update(`ml-connector:${purpose}`).digest()).update(text, "utf8").digest("hex");

export const encryptSecret = (plaintext: string, { context, keyring = defaultKeyring() }: Options = {}): string => {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyring.current.key, iv);
  if (context) cipher.setAAD(Buffer.from(context, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const parts = [iv, cipher.getAuthTag(), ciphertext].map((b) => b.toString("base64url"));
  return [VERSION, keyring.current.id, ...parts].join(".");
};

export const decryptSecret = (envelope: string, { context, keyring = defaultKeyring() }: Options = {}): string => {
  const parts = envelope.split(".");
  if (parts.length !== 5 || parts[0] !== VERSION) throw new CryptoError("Not an ml-connector credential envelope");
  const [, keyId, iv, tag, ciphertext] = parts as [string, string, string, string, string];
  const key = keyring.all.get(keyId);
  if (!key) {
    throw new CryptoError(
      `These credentials were encrypted with key ${keyId}, which is not configured. Set ML_CONNECTOR_KEY (or ML_CONNECTOR_OLD_KEYS) to that key.`,
    );
  }
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  if (context) decipher.setAAD(Buffer.from(context, "utf8"));
  try {
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new CryptoError("Credentials failed authentication: they were altered, or belong to another record or key");
  }
};

export const encryptJson = (value: unknown, options?: Options) => encryptSecret(JSON.stringify(value), options);

export const decryptJson = (envelope: string, options?: Options): unknown => JSON.parse(decryptSecret(envelope, options));

/** True when the envelope was written under a key other than the current one. */
export const needsReEncryption = (envelope: string, keyring: Keyring = defaultKeyring()) =>
  envelope.split(".")[1] !== keyring.current.id;

/** The same plaintext under the current key (for key rotation). */
export const reEncrypt = (envelope: string, options: Options = {}) => encryptSecret(decryptSecret(envelope, options), options);
