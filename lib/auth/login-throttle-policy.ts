/**
 * Sign-in throttling (lib/auth/claim-login-attempt.ts). Failed attempts are counted per scope;
 * past a scope's free failures, each further attempt must wait a delay that doubles per failure,
 * up to LOGIN_MAX_DELAY_MS, so a lock always ends and the right password works again after it.
 * - `account`: the e-mail address, for browsers that never signed in to it. Guessing from anywhere
 *   counts here, so spreading guesses over many addresses gains nothing.
 * - `device`: a browser that has signed in to the account before (it holds a signed device cookie,
 *   lib/auth/device-token.ts). It has a counter of its own, so strangers' failures on the account
 *   never lock out the people who use it.
 * - `address`: the client address, across all e-mails, so one client cannot spray many accounts.
 * - `password-change`: the current-password check of "change password", per user.
 */
export const LOGIN_FREE_FAILURES = { account: 5, device: 5, address: 30, "password-change": 5 } as const;
export type LoginThrottleScope = keyof typeof LOGIN_FREE_FAILURES;

/** The wait after the first failure past the free ones; doubles with each further failure. */
export const LOGIN_FIRST_DELAY_MS = 30_000;
/** No wait is longer than this: a lock-out always ends. */
export const LOGIN_MAX_DELAY_MS = 15 * 60 * 1000;
/** A counter with no failure for this long starts again at zero, and its row is deleted. */
export const LOGIN_FORGET_AFTER_MS = 24 * 60 * 60 * 1000;

/** How long after its last failure a counter at `failures` refuses attempts (0: it does not). */
export const loginDelayMs = ({ failures, scope }: { failures: number; scope: LoginThrottleScope }): number => {
  const over = failures - LOGIN_FREE_FAILURES[scope];
  return over < 0 ? 0 : Math.min(LOGIN_MAX_DELAY_MS, LOGIN_FIRST_DELAY_MS * 2 ** over);
};

/** The throttle key of a scope: "account:a@x.io", "address:203.0.113.9", ... */
export const throttleKey = ({ scope, id }: { scope: LoginThrottleScope; id: string }) => `${scope}:${id}`;

/** The e-mail address trimmed and lower-cased, so "A@x.io " and "a@x.io" share one counter. */
export const normaliseEmail = (email: string): string => email.trim().toLowerCase();
