/*
 * OAuth 2.0 client credentials (machine to machine) as NetSuite runs it ([NS-CC] section_162755359851 and
 * section_162790605110, checked with the search tool, see README):
 *   POST /services/rest/auth/oauth2/v1/token, application/x-www-form-urlencoded,
 *   grant_type=client_credentials, client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer,
 *   client_assertion=<JWT>: header typ "JWT", alg PS256|PS384|PS512|ES256|ES384|ES512, kid = the Certificate ID
 *   of the admin's M2M mapping; payload iss = client id, scope (restlets, rest_webservices, suite_analytics;
 *   comma-separated, or a JSON array as Oracle's own sample has it), aud = this token endpoint's URL, iat,
 *   exp at most 60 minutes after iat. Signed with the private half of the certificate the admin uploaded.
 * The answer is { access_token (a JWT), expires_in, token_type } with a 60-minute access token and no refresh
 * token. A refused assertion says only invalid_grant; the reason goes to the Login Audit Trail (control API).
 * Signatures are checked with `jose`.
 */
import { createHash, createPublicKey, randomBytes, randomUUID, type KeyObject } from "node:crypto";
import { decodeJwt, decodeProtectedHeader, jwtVerify } from "jose";

export const CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
export const ACCEPTED_ALGORITHMS = ["PS256", "PS384", "PS512", "ES256", "ES384", "ES512"] as const;
export const SCOPES = ["restlets", "rest_webservices", "suite_analytics"] as const;

/** One row of Setup > Integration > Manage Authentication > OAuth 2.0 Client Credentials (M2M) Setup. */
export type Certificate = {
  certificateId: string;
  clientId: string;
  publicKeyPem: string;
  /** Entity and role the mapping runs as (shown in the token's sub). */
  entity: string;
  role: string;
  revoked: boolean;
  /** Last day the certificate is valid (NetSuite caps validity at two years); null: not checked. */
  validUntil: string | null;
};

export type CertificateInput = {
  clientId: string;
  publicKeyPem: string;
  certificateId?: string;
  entity?: string;
  role?: string;
  validUntil?: string | null;
};

export type AccessToken = { clientId: string; certificateId: string; scopes: string[]; expiresAt: number };

export type LoginAuditEntry = { at: string; status: "Success" | "Failure"; clientId?: string; certificateId?: string; detail: string };

export type TokenResult =
  | { ok: true; body: { access_token: string; expires_in: string; token_type: "Bearer" } }
  | { ok: false; status: number; body: { error: string } };

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** Checks a public key the admin uploads: RSA of 3072 or 4096 bits, or EC P-256/P-384/P-521 (README: sources). */
export const readPublicKey = (pem: string): KeyObject => {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new Error("The certificate must be an X.509 certificate or public key in PEM format.");
  }
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === "rsa" || key.asymmetricKeyType === "rsa-pss") {
    if (details.modulusLength !== 3072 && details.modulusLength !== 4096) throw new Error(`RSA keys must be 3072 or 4096 bits (got ${details.modulusLength}).`);
  } else if (key.asymmetricKeyType === "ec") {
    if (!["prime256v1", "secp384r1", "secp521r1"].includes(details.namedCurve ?? "")) throw new Error(`EC keys must use P-256, P-384 or P-521 (got ${details.namedCurve}).`);
  } else throw new Error(`Unsupported key type ${key.asymmetricKeyType}.`);
  return key;
};

/**
 * NetSuite shows a Certificate ID for each mapping; ours is the key's RFC 7638 SHA-256 thumbprint, which looks
 * alike (43 base64url characters). Computed here rather than with jose's calculateJwkThumbprint because that
 * one is async and certificates are registered inside synchronous seeding.
 */
export const certificateIdOf = (key: KeyObject) => {
  // RSA-PSS keys have no JWK form in Node; their id hashes the SPKI instead.
  if (key.asymmetricKeyType === "rsa-pss") return createHash("sha256").update(key.export({ type: "spki", format: "der" })).digest("base64url");
  const jwk = key.export({ format: "jwk" });
  const members = jwk.kty === "EC" ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y } : { e: jwk.e, kty: jwk.kty, n: jwk.n };
  return createHash("sha256").update(JSON.stringify(members)).digest("base64url");
};

export type NetsuiteAuth = ReturnType<typeof createNetsuiteAuth>;

export const createNetsuiteAuth = (options: { now: () => number; accessTokenSeconds: () => number; accountId: string }) => {
  const certificates = new Map<string, Certificate>();
  const keys = new Map<string, KeyObject>();
  const tokens = new Map<string, AccessToken>();
  let audit: LoginAuditEntry[] = [];
  const stats = { tokensIssued: 0, assertionsRejected: 0, rejected401: 0 };

  const log = (entry: Omit<LoginAuditEntry, "at">) => {
    audit.push({ at: new Date(options.now()).toISOString(), ...entry });
    if (audit.length > 2_000) audit = audit.slice(-1_000);
  };

  const refuse = (detail: string, error: string, status: number, ids: { clientId?: string; certificateId?: string } = {}): TokenResult => {
    stats.assertionsRejected += 1;
    log({ status: "Failure", detail, ...ids });
    return { ok: false, status, body: { error } };
  };

  const addCertificate = (input: CertificateInput): Certificate => {
    const key = readPublicKey(input.publicKeyPem);
    const certificateId = input.certificateId ?? certificateIdOf(key);
    const certificate: Certificate = {
      certificateId,
      clientId: input.clientId,
      publicKeyPem: input.publicKeyPem,
      entity: input.entity ?? "-5",
      role: input.role ?? "3",
      revoked: false,
      validUntil: input.validUntil ?? null,
    };
    certificates.set(certificateId, certificate);
    keys.set(certificateId, key);
    return certificate;
  };

  const mint = (certificate: Certificate, scopes: string[]) => {
    const now = options.now();
    const seconds = options.accessTokenSeconds();
    const iat = Math.floor(now / 1000);
    const header = { kid: "s.SYSTEM.2026_1", typ: "JWT", alg: "RS256" };
    const payload = {
      sub: `${certificate.role};${certificate.entity}`,
      aud: [certificate.clientId, `app:${options.accountId}`],
      scope: scopes,
      iss: "https://system.netsuite.com",
      oit: iat,
      exp: iat + seconds,
      iat,
      jti: `${options.accountId}.a.${randomUUID()}`,
    };
    const token = `${base64url(header)}.${base64url(payload)}.${randomBytes(256).toString("base64url")}`;
    tokens.set(token, { clientId: certificate.clientId, certificateId: certificate.certificateId, scopes, expiresAt: now + seconds * 1000 });
    stats.tokensIssued += 1;
    log({ status: "Success", clientId: certificate.clientId, certificateId: certificate.certificateId, detail: "Access token issued (client credentials)." });
    return { access_token: token, expires_in: String(seconds), token_type: "Bearer" as const };
  };

  /** The token endpoint. `form` is the parsed body (undefined when it was not form-encoded); `audience` this endpoint's URL. */
  const token = async (form: Record<string, string> | undefined, audience: string): Promise<TokenResult> => {
    if (!form) return refuse("The token request must be application/x-www-form-urlencoded.", "invalid_request", 400);
    if (form.grant_type !== "client_credentials") {
      return form.grant_type ? refuse(`Unsupported grant type ${form.grant_type}.`, "unsupported_grant_type", 400) : refuse("grant_type is missing.", "invalid_request", 400);
    }
    if (form.client_assertion_type !== CLIENT_ASSERTION_TYPE) return refuse("client_assertion_type is missing or wrong.", "invalid_request", 400);
    const assertion = form.client_assertion;
    if (!assertion) return refuse("client_assertion is missing.", "invalid_request", 400);
    let header: ReturnType<typeof decodeProtectedHeader>;
    let claims: ReturnType<typeof decodeJwt>;
    try {
      header = decodeProtectedHeader(assertion);
      claims = decodeJwt(assertion);
    } catch {
      return refuse("The client assertion is not a JWT.", "invalid_request", 400);
    }
    const ids = { clientId: typeof claims.iss === "string" ? claims.iss : undefined, certificateId: header.kid };
    if (header.typ !== undefined && header.typ !== "JWT") return refuse(`JWT header typ must be JWT (got ${header.typ}).`, "invalid_grant", 400, ids);
    if (!ACCEPTED_ALGORITHMS.includes(header.alg as (typeof ACCEPTED_ALGORITHMS)[number])) {
      return refuse(`Signature algorithm ${header.alg} is not supported; use ${ACCEPTED_ALGORITHMS.join(", ")}.`, "invalid_grant", 400, ids);
    }
    if (!header.kid) return refuse("The JWT header has no kid (Certificate ID).", "invalid_grant", 400, ids);
    const certificate = certificates.get(header.kid);
    const key = keys.get(header.kid);
    if (!certificate || !key) return refuse(`Unknown Certificate ID ${header.kid}.`, "invalid_grant", 400, ids);
    if (certificate.revoked) return refuse(`Certificate ${header.kid} has been revoked.`, "invalid_grant", 400, ids);
    if (certificate.validUntil && new Date(options.now()).toISOString().slice(0, 10) > certificate.validUntil) {
      return refuse(`Certificate ${header.kid} expired on ${certificate.validUntil}.`, "invalid_grant", 400, ids);
    }
    if (claims.iss !== certificate.clientId) return refuse(`iss ${String(claims.iss)} is not the client of certificate ${header.kid}.`, "invalid_grant", 400, ids);
    try {
      await jwtVerify(assertion, key, { algorithms: [header.alg as string], audience, currentDate: new Date(options.now()) });
    } catch (error) {
      const code = (error as { code?: string }).code ?? "";
      const reason =
        code === "ERR_JWT_EXPIRED"
          ? "The client assertion has expired (exp)."
          : code === "ERR_JWT_CLAIM_VALIDATION_FAILED"
            ? `Claim check failed: ${(error as Error).message} (aud must be ${audience}).`
            : code === "ERR_JOSE_NOT_SUPPORTED" || code === "ERR_JOSE_ALG_NOT_ALLOWED"
              ? `The algorithm ${header.alg} does not match the certificate's key.`
              : "Invalid signature: the assertion was not signed with the private key of this certificate.";
      return refuse(reason, "invalid_grant", 400, ids);
    }
    if (typeof claims.iat !== "number" || typeof claims.exp !== "number") return refuse("iat and exp are required.", "invalid_grant", 400, ids);
    if (claims.exp - claims.iat > 3600) return refuse("exp must be at most 60 minutes after iat.", "invalid_grant", 400, ids);
    if (claims.iat > Math.floor(options.now() / 1000) + 300) return refuse("iat is in the future.", "invalid_grant", 400, ids);
    const rawScope = (claims as { scope?: unknown }).scope;
    const scopes = (Array.isArray(rawScope) ? rawScope.map(String) : typeof rawScope === "string" ? rawScope.split(/[,\s]+/) : []).filter(Boolean);
    if (scopes.length === 0 || scopes.some((s) => !(SCOPES as readonly string[]).includes(s))) {
      return refuse(`scope must be one or more of ${SCOPES.join(", ")} (got ${JSON.stringify(rawScope)}).`, "invalid_scope", 400, ids);
    }
    return { ok: true, body: mint(certificate, scopes) };
  };

  /** The access token of an Authorization header if it is live and carries `scope`; else the reason for the audit trail. */
  const check = (authorization: string | undefined, scope: string): { ok: true; token: AccessToken } | { ok: false; reason: string } => {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
    let result: { ok: true; token: AccessToken } | { ok: false; reason: string };
    if (!match?.[1]) result = { ok: false, reason: "No bearer token." };
    else {
      const found = tokens.get(match[1]);
      if (!found) result = { ok: false, reason: "Unknown access token." };
      else if (found.expiresAt <= options.now()) result = { ok: false, reason: "The access token has expired." };
      else if (certificates.get(found.certificateId)?.revoked) result = { ok: false, reason: "The certificate of this token has been revoked." };
      else if (!found.scopes.includes(scope)) result = { ok: false, reason: `The access token lacks the ${scope} scope.` };
      else result = { ok: true, token: found };
    }
    if (!result.ok) {
      stats.rejected401 += 1;
      log({ status: "Failure", detail: result.reason });
    }
    return result;
  };

  return {
    token,
    check,
    addCertificate,
    revokeCertificate: (certificateId: string) => {
      const certificate = certificates.get(certificateId);
      if (!certificate) return false;
      certificate.revoked = true;
      return true;
    },
    certificates: () => [...certificates.values()].map((c) => ({ ...c })),
    loginAudit: () => [...audit],
    expireAll: () => {
      for (const t of tokens.values()) t.expiresAt = Math.min(t.expiresAt, options.now());
    },
    liveTokens: () => [...tokens.values()].filter((t) => t.expiresAt > options.now()).length,
    stats,
    snapshot: () => ({ certificates: [...certificates.values()], tokens: [...tokens.entries()] }),
    restore: (state: { certificates: Certificate[]; tokens: [string, AccessToken][] }) => {
      certificates.clear();
      keys.clear();
      tokens.clear();
      for (const c of state.certificates) {
        certificates.set(c.certificateId, c);
        keys.set(c.certificateId, readPublicKey(c.publicKeyPem));
      }
      for (const [k, v] of state.tokens) tokens.set(k, v);
    },
    reset: () => {
      certificates.clear();
      keys.clear();
      tokens.clear();
      audit = [];
      Object.assign(stats, { tokensIssued: 0, assertionsRejected: 0, rejected401: 0 });
    },
  };
};
