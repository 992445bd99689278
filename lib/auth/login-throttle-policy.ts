/** Failed sign-ins allowed per e-mail address within LOGIN_WINDOW_MS before sign-in is refused. */
export const LOGIN_MAX_FAILURES = 5;
/** Failures older than this are forgotten; a lock-out lasts this long after the last failure. */
export const LOGIN_WINDOW_MS = 15 * 60 * 1000;

/** The throttle key: the e-mail address trimmed and lower-cased, so "A@x.io " and "a@x.io" share one counter. */
export const normaliseEmail = (email: string): string => email.trim().toLowerCase();
