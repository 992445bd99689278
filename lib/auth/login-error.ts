/** Sign-in error codes passed from `authorize` to the login page (next-auth puts them in `?error=`). */
export const LOGIN_ERROR = {
  INVALID: "INVALID_CREDENTIALS",
  /** Followed by ":<minutes>". */
  THROTTLED: "THROTTLED",
  /** The check itself failed (database down); the cause is logged on the server, never sent. */
  UNAVAILABLE: "UNAVAILABLE",
} as const;
