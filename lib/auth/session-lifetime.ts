/**
 * How long a sign-in lasts: a finance admin's working day, counted from sign-in whatever the
 * activity (README, Security). The JWT's own expiry, the cookie's and this absolute limit agree.
 */
export const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;

/** True while a session signed in at `authTime` (seconds since the epoch) is within its lifetime at `now`. */
export const isSessionFresh = ({ authTime, now = new Date() }: { authTime: unknown; now?: Date }): boolean =>
  typeof authTime === "number" && Number.isFinite(authTime) && now.getTime() / 1000 - authTime < SESSION_MAX_AGE_SECONDS && authTime <= now.getTime() / 1000 + 60;
