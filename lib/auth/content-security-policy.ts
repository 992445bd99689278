/**
 * The Content-Security-Policy of every page. Scripts need a per-request nonce: Next.js puts inline
 * scripts in each page (hydration data, chunk loading), and with a nonce in the request's CSP header
 * it marks its own scripts with it, so no 'unsafe-inline' is needed for scripts and an injected
 * <script> does not run. 'strict-dynamic' lets those scripts load the app's chunks. This needs the
 * pages rendered per request, which they are (they read the session; app/layout.tsx forces it).
 * Styles keep 'unsafe-inline': React style attributes (the mapping canvas, charts) cannot carry a
 * nonce, and a style cannot run code. Development adds 'unsafe-eval' for Next's dev overlay.
 */
export const contentSecurityPolicy = ({ nonce, isDev = false }: { nonce: string; isDev?: boolean }): string =>
  [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${isDev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
