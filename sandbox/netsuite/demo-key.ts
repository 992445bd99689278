/*
 * The demo certificate of the sandbox's demo account: an EC P-256 key pair (ES256) derived from a fixed
 * phrase, so every start of the sandbox has the same key without a private key file in git. It is a demo key
 * for the sandbox only; nothing real trusts it.
 */
import { createECDH, createHash, createPrivateKey, createPublicKey } from "node:crypto";
import { certificateIdOf } from "./auth";

export type DemoKeyPair = { privateKeyPem: string; publicKeyPem: string };

/** A P-256 key pair whose private scalar is SHA-256 of `phrase` (valid for any phrase in practice: the scalar is below the curve order). */
export const deriveDemoKeyPair = (phrase: string): DemoKeyPair => {
  const d = createHash("sha256").update(phrase).digest();
  const ecdh = createECDH("prime256v1");
  ecdh.setPrivateKey(d);
  const point = ecdh.getPublicKey();
  const jwk = { kty: "EC", crv: "P-256", d: d.toString("base64url"), x: point.subarray(1, 33).toString("base64url"), y: point.subarray(33, 65).toString("base64url") };
  const privateKey = createPrivateKey({ key: jwk, format: "jwk" });
  return {
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKeyPem: createPublicKey(privateKey).export({ type: "spki", format: "pem" }).toString(),
  };
};

/** Client id of the demo integration record (NetSuite client ids are 64 hex characters). */
export const DEMO_NETSUITE_CLIENT_ID = createHash("sha256").update("ml-connector demo NetSuite integration record").digest("hex");

export const DEMO_NETSUITE_KEY = deriveDemoKeyPair("ml-connector demo NetSuite certificate (sandbox only)");

/** The Certificate ID the demo certificate gets when it is registered (its key thumbprint). */
export const DEMO_NETSUITE_CERTIFICATE_ID = certificateIdOf(createPublicKey(DEMO_NETSUITE_KEY.publicKeyPem));
