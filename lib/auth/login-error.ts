/** Sign-in error codes passed from `authorize` to the login page (next-auth puts them in `?error=`). */
export const LOGIN_ERROR = {
  INVALID: "INVALID_CREDENTIALS",
  /** Followed by ":<minutes>". */
  THROTTLED: "THROTTLED",
} as const;
