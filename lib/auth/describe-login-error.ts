import { LOGIN_ERROR } from "./login-error";

/**
 * The sentence the login page shows for a next-auth error code. Wrong e-mail and wrong password
 * share one message on purpose.
 */
export const describeLoginError = (code: string): string => {
  if (code === LOGIN_ERROR.INVALID || code === "CredentialsSignin") return "Email or password is incorrect.";
  if (code.startsWith(`${LOGIN_ERROR.THROTTLED}:`)) {
    const minutes = Number(code.slice(LOGIN_ERROR.THROTTLED.length + 1)) || 15;
    return `Too many attempts. Try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`;
  }
  if (code === LOGIN_ERROR.UNAVAILABLE) return "Sign-in is unavailable right now: ml-connector cannot reach its database. Try again in a minute.";
  if (code === "SessionRequired") return "Sign in to continue.";
  return "Sign-in failed. Try again, and contact your administrator if it keeps failing.";
};
