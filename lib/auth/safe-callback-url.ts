/**
 * A same-site path to return to after sign-in, or "/". Only local paths pass ("/records?x=1"),
 * so a crafted link cannot send a freshly signed-in admin to another site.
 */
export const safeCallbackUrl = (value: unknown): string => {
  if (typeof value !== "string" || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return "/";
  if (value.startsWith("/login") || value.startsWith("/api/")) return "/";
  return value;
};
