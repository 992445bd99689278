import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** The cookie a browser keeps after signing in, so strangers' failures cannot lock it out. */
export const DEVICE_COOKIE = "mlc-device";
/** How long a browser stays known without signing in again. */
export const DEVICE_COOKIE_MAX_AGE_SECONDS = 180 * 24 * 60 * 60;

const sign = ({ secret, email, deviceId }: { secret: string; email: string; deviceId: string }) =>
  createHmac("sha256", secret).update(`mlc-device\0${email}\0${deviceId}`).digest("base64url");

/** A new device token for `email` (normalised): "<random id>.<HMAC of e-mail and id>". */
export const createDeviceToken = ({ secret, email }: { secret: string; email: string }): string => {
  const deviceId = randomBytes(16).toString("base64url");
  return `${deviceId}.${sign({ secret, email, deviceId })}`;
};

/** The device id when `token` was issued by us for `email`; undefined for anything else. */
export const readDeviceToken = ({ secret, email, token }: { secret: string; email: string; token: string | undefined }): string | undefined => {
  const [deviceId, mac, ...rest] = (token ?? "").split(".");
  if (!deviceId || !mac || rest.length > 0) return undefined;
  const expected = Buffer.from(sign({ secret, email, deviceId }));
  const given = Buffer.from(mac);
  return given.length === expected.length && timingSafeEqual(given, expected) ? deviceId : undefined;
};
