import { decodeJwt } from "@clerk/backend/jwt";

/**
 * @clerk/backend throws on some Cookie headers instead of ignoring what it
 * cannot read, which Remix answers with 500 on every page and API route:
 * - ClerkRequest percent-decodes the whole header first, with this pattern,
 *   and a bad escape anywhere (`pref=%C0`) throws URIError;
 * - it decodes `__session` (and suffixed `__session_…`) as a JWT before
 *   verifying it, and a value like `a.b.c` throws.
 * Any page on the same site can plant such a cookie. Dropped before Clerk
 * sees the request, they leave it signed out (or signed in by a valid Bearer).
 */
const CLERK_ESCAPE_RUNS = /(%[0-9A-Z]{2})+/g;
const SESSION_COOKIE = /^__session(?:_|$)/;

function isWellFormedJwt(value: string): boolean {
  try {
    decodeJwt(value);
    return true;
  } catch {
    return false;
  }
}

/** Whether Clerk can read this `name=value` pair without throwing. */
function readableByClerk(pair: string): boolean {
  let decoded: string;
  try {
    decoded = pair.replace(CLERK_ESCAPE_RUNS, decodeURIComponent);
  } catch {
    return false;
  }
  // An escaped separator would make Clerk read other cookies than those checked here.
  if (decoded.includes(";")) return false;
  const separator = decoded.indexOf("=");
  const name = decoded.slice(0, separator).trim();
  if (separator === -1 || !SESSION_COOKIE.test(name)) return true;
  return isWellFormedJwt(
    decoded
      .slice(separator + 1)
      .trim()
      .replace(/^"(.*)"$/, "$1"),
  );
}

/** The Cookie header without the cookies that would make @clerk/backend throw. */
export function cookiesClerkCanRead(header: string): string {
  return header
    .split(";")
    .filter((pair) => readableByClerk(pair))
    .join(";");
}
