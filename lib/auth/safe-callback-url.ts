/** Any origin works: only whether a value stays on it matters, and the app's own is not needed for that. */
const BASE = "http://ml-connector.invalid";

/**
 * A same-origin path to return to after sign-in, or "/". The value is resolved the way a browser
 * resolves it (WHATWG URL: tabs and newlines dropped, backslashes read as slashes, "//host" meaning
 * another host) against a placeholder origin; only a result on that origin passes, as its normalised
 * path, query and fragment. So "/\t/evil.example" (a browser reads "//evil.example") or "/\\evil.example"
 * cannot send a freshly signed-in admin to another site. The login page and next-auth's endpoints
 * give "/" too, so a link cannot loop through them.
 */
export const safeCallbackUrl = (value: unknown): string => {
  // Only a path: "http:x" is relative on an http origin but another host on an https one.
  if (typeof value !== "string" || !value.startsWith("/")) return "/";
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return "/";
  }
  if (url.origin !== BASE) return "/";
  const local = `${url.pathname}${url.search}${url.hash}`;
  // The resolved path must itself resolve to our origin again (a path of "//x" cannot come out of
  // WHATWG parsing with a host, but the check keeps the guarantee independent of that detail).
  if (!local.startsWith("/") || local.startsWith("//")) return "/";
  if (/^\/login(\/|\?|#|$)/.test(local) || /^\/api(\/|\?|#|$)/.test(local)) return "/";
  return local;
};
