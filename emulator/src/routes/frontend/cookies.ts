import { createHash } from "node:crypto";
import type { ClientRecord } from "../../store/clients";

// The cookies a production Clerk instance's Frontend API sets. Behind the app's same-origin
// proxy they land on the app's host: host-only (no Domain), Path=/ (not the proxy's path),
// SameSite=Lax and no Secure, so that they also work on http://localhost. Served directly on
// https://clerk.<domain>, the ones the app must read go to the whole site (CookieScope).

export const CLIENT_COOKIE = "__client";
export const CLIENT_UAT_COOKIE = "__client_uat";
export const SESSION_COOKIE = "__session";
export const HANDSHAKE_COOKIE = "__clerk_handshake";
export const HANDSHAKE_NONCE_COOKIE = "__clerk_handshake_nonce";
export const DEV_BROWSER_COOKIE = "__clerk_db_jwt";

/** Where the cookies the app reads are set: `Domain=<site>; Secure` when the Frontend API is on clerk.<site>. */
export interface CookieScope {
  domain?: string;
  secure?: boolean;
}

const TEN_YEARS_SECONDS = 315_360_000;
// The handshake cookie only has to survive the redirect back to the app.
const HANDSHAKE_COOKIE_SECONDS = 60;

/** A `Set-Cookie` value. Without maxAge the cookie lasts for the browser session. */
export function setCookie(
  name: string,
  value: string,
  options: { maxAge?: number; httpOnly?: boolean; scope?: CookieScope } = {},
): string {
  const attributes = [`${name}=${value}`, "Path=/"];
  if (options.scope?.domain) attributes.push(`Domain=${options.scope.domain}`);
  if (options.maxAge !== undefined) attributes.push(`Max-Age=${options.maxAge}`);
  if (options.httpOnly) attributes.push("HttpOnly");
  if (options.scope?.secure) attributes.push("Secure");
  attributes.push("SameSite=Lax");
  return attributes.join("; ");
}

export function expireCookie(name: string, scope?: CookieScope): string {
  return setCookie(name, "", { maxAge: 0, scope });
}

/** `_` + the first 8 characters of base64url(sha1(publishable key)), as clerk-js and @clerk/backend name them. */
export function cookieSuffix(publishableKey: string): string {
  return `_${createHash("sha1").update(publishableKey).digest("base64url").slice(0, 8)}`;
}

/** Identifies the browser's client to the Frontend API; JavaScript never needs to read it. */
export function clientCookie(client: ClientRecord): string {
  return setCookie(CLIENT_COOKIE, client.cookie_token, { maxAge: TEN_YEARS_SECONDS, httpOnly: true });
}

/**
 * `__client_uat` ("updated at", seconds) and its suffixed twin, which the app's server compares
 * with the session token's `iat`: 0 means signed out. clerk-js writes it only for development
 * instances, so for a production instance the Frontend API must.
 */
export function clientUatCookies(uat: number, suffix: string, scope?: CookieScope): string[] {
  return [CLIENT_UAT_COOKIE, `${CLIENT_UAT_COOKIE}${suffix}`].map((name) =>
    setCookie(name, String(uat), { maxAge: TEN_YEARS_SECONDS, scope }),
  );
}

/** The dev browser's cookies on the app's host, which @clerk/backend reads (as clerk-js writes them). */
export function devBrowserCookies(jwt: string, suffix: string): string[] {
  return [DEV_BROWSER_COOKIE, `${DEV_BROWSER_COOKIE}${suffix}`].map((name) =>
    setCookie(name, jwt, { maxAge: TEN_YEARS_SECONDS }),
  );
}

/** The one-minute cookie that carries a handshake's result back to the app. */
export function handshakeCookie(
  name: typeof HANDSHAKE_COOKIE | typeof HANDSHAKE_NONCE_COOKIE,
  value: string,
  scope?: CookieScope,
): string {
  return setCookie(name, value, { maxAge: HANDSHAKE_COOKIE_SECONDS, httpOnly: true, scope });
}

export function withCookies(response: Response, cookies: string[]): Response {
  for (const cookie of cookies) response.headers.append("Set-Cookie", cookie);
  return response;
}
