import { decodeJwt } from "@clerk/backend/jwt";

/**
 * @clerk/backend throws on some Cookie headers instead of ignoring what it
 * cannot read, which Remix answers with 500 on every page and API route:
 * - ClerkRequest percent-decodes the whole header first, with this pattern,
 *   and a bad escape anywhere (`pref=%C0`) throws URIError;
 * - it decodes `__session` (and suffixed `__session_…`) as a JWT and reads
 *   its `iss` before verifying it: `a.b.c` throws, and so do claims that
 *   are `null` or an `iss` that is not a string.
 * Any page on the same site can plant such a cookie. Dropped before Clerk
 * sees the request, they leave it signed out (or signed in by a valid Bearer).
 */
const CLERK_ESCAPE_RUNS = /(%[0-9A-Z]{2})+/g;
const SESSION_COOKIE = /^__session(?:_|$)/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A value Clerk can decode as a JWT and read `iss` from (as a string) before it verifies anything. */
function isReadableSessionToken(value: string): boolean {
  try {
    // Typed as claims, but whatever JSON the cookie holds.
    const { header, payload } = decodeJwt(value) as { header: unknown; payload: unknown };
    return isObject(header) && isObject(payload) && (payload.iss === undefined || typeof payload.iss === "string");
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
  const quotedOrNot = decoded.slice(separator + 1).trim();
  return isReadableSessionToken(quotedOrNot.replace(/^"(.*)"$/, "$1"));
}

/** The Cookie header without the cookies that would make @clerk/backend throw. */
export function cookiesClerkCanRead(header: string): string {
  return header
    .split(";")
    .filter((pair) => readableByClerk(pair))
    .join(";");
}
