import { decodeJwt } from "@clerk/backend/jwt";
import { jsonResponse } from "~/utils/http/responses.server";

/**
 * Why a request is not signed in, as the `code` of its answer: 401, or 503 when the
 * server itself could not check the token. Each message tells a caller what to do and
 * nothing an attacker could use: a forged token only ever hears `bad_signature` or
 * `malformed_token` (docs/decisions/029-say-why-a-request-is-unauthorized.md).
 */
export const NOT_SIGNED_IN = {
  no_credentials: {
    status: 401,
    message: "No session token. Send one as Authorization: Bearer <session token>, or sign in in the browser.",
  },
  token_expired: {
    status: 401,
    message:
      "The session token has expired: Clerk's session tokens live 60 s. Get a current one (Clerk's getToken(), " +
      "or Refresh in the token explorer) and try again.",
  },
  token_not_yet_valid: {
    status: 401,
    message: "The session token is not valid yet by this server's clock. Check that both machines' clocks are in sync.",
  },
  bad_signature: {
    status: 401,
    message:
      "The token's signature does not verify with this Clerk instance's keys: it was altered, or another instance issued it.",
  },
  malformed_token: { status: 401, message: "The credential is not a JWT." },
  not_a_session_token: {
    status: 401,
    message:
      "This is not a Clerk session token: a JWT template token does not sign a request in. Send the session " +
      "token, which Clerk's getToken() returns when no template is named.",
  },
  wrong_authorized_party: {
    status: 401,
    message: "The session token was issued to a page on an origin this server does not accept (its azp claim).",
  },
  session_cookies_incomplete: {
    status: 401,
    message:
      "The session cookies are incomplete or out of date. Reload the page to let Clerk renew them, or send the " +
      "session token as Authorization: Bearer.",
  },
  session_pending: {
    status: 401,
    message: "The session is pending: finish signing in (a task such as choosing an organization) first.",
  },
  invalid_token: { status: 401, message: "The session token was refused." },
  auth_unavailable: {
    status: 503,
    message: "The server could not check the session token just now. Try again shortly.",
  },
} as const;

export type NotSignedInCode = keyof typeof NOT_SIGNED_IN;

/** A code, with Clerk's own reason for the log (a word from Clerk's fixed list, never the token). */
export type NotSignedIn = { code: NotSignedInCode; clerkReason: string };

/** Seconds a client should wait before asking again when the server could not check its token. */
const RETRY_AFTER_S = 5;

function headersFor({ code }: NotSignedIn): Record<string, string> {
  if (code === "auth_unavailable") return { "Retry-After": String(RETRY_AFTER_S) };
  // RFC 6750 §3: the scheme expected; with a token that was sent, that it was refused.
  return { "WWW-Authenticate": code === "no_credentials" ? "Bearer" : 'Bearer error="invalid_token"' };
}

/** Clerk's reasons are words from a fixed list; anything else is cut down before it reaches the log. */
const loggable = (reason: string) => reason.replace(/[^\w.-]/g, "?").slice(0, 80);

export function logNotSignedIn(why: NotSignedIn, method: string, path: string) {
  console.warn(
    `[auth] ${method} ${path} ${NOT_SIGNED_IN[why.code].status} ${why.code} (Clerk: ${loggable(why.clerkReason)})`,
  );
}

/** The JSON answer for a request that is not signed in, logged with the same reason. */
export function unauthorized(why: NotSignedIn, request: Request): Response {
  const { status, message } = NOT_SIGNED_IN[why.code];
  logNotSignedIn(why, request.method, new URL(request.url).pathname);
  return jsonResponse({ message, code: why.code }, status, headersFor(why));
}

/**
 * Clerk's JWT category header (`cat`), read from @clerk/backend 3.16.10's
 * `dist/tokens/jwtCategories.d.ts`: session tokens carry the first, tokens Clerk
 * marks "ignore" the second; 3.x refuses every other `cat` as a session
 * credential (a JWT template token's, an M2M token's). 2.x does not look.
 */
const SESSION_TOKEN_CATEGORIES = new Set(["cl_B7d4PD111AAA", "cl_I7d4PD111III"]);

/**
 * Whether a JWT's header says it is not a session token. Read without verifying:
 * whoever made the token, it is no session token. A token without `cat` (issued
 * before Clerk stamped it) is left to the verification.
 */
export function isMarkedNotSessionToken(jwt: string): boolean {
  try {
    const { cat } = decodeJwt(jwt).header as { cat?: unknown };
    return cat !== undefined && !(typeof cat === "string" && SESSION_TOKEN_CATEGORIES.has(cat));
  } catch {
    return false;
  }
}
