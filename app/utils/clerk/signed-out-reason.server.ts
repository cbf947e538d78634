import { verifyToken } from "@clerk/backend";
import { decodeJwt } from "@clerk/backend/jwt";
import type { getAuth } from "@clerk/remix/ssr.server";
import { config } from "~/utils/config/config.server";
import type { NotSignedIn, NotSignedInCode } from "~/utils/clerk/unauthorized.server";

type Auth = Awaited<ReturnType<typeof getAuth>>;

/**
 * Clerk's reasons (@clerk/backend 2.33: TokenVerificationErrorReason and AuthErrorReason,
 * as getAuth's `debug().reason` gives them) to the codes this app answers with.
 */
const CODE_OF_REASON: Record<string, NotSignedInCode> = {
  "token-expired": "token_expired",
  "token-not-active-yet": "token_not_yet_valid",
  "token-iat-in-the-future": "token_not_yet_valid",
  "session-token-nbf": "token_not_yet_valid",
  "session-token-iat-in-the-future": "token_not_yet_valid",
  "token-invalid-authorized-parties": "wrong_authorized_party",
  "token-invalid-signature": "bad_signature",
  "token-invalid-algorithm": "bad_signature",
  "token-verification-failed": "bad_signature",
  "jwk-kid-mismatch": "bad_signature",
  "jwk-remote-missing": "bad_signature",
  "token-invalid": "malformed_token",
  "token-type-mismatch": "not_a_session_token",
  "session-token-and-uat-missing": "no_credentials",
  "session-token-missing": "no_credentials",
  "client-uat-but-no-session-token": "session_cookies_incomplete",
  "session-token-but-no-client-uat": "session_cookies_incomplete",
  "session-token-iat-before-client-uat": "session_cookies_incomplete",
  "dev-browser-missing": "session_cookies_incomplete",
  "dev-browser-sync": "session_cookies_incomplete",
  "secret-key-invalid": "auth_unavailable",
  "jwk-local-missing": "auth_unavailable",
  "jwk-remote-failed-to-load": "auth_unavailable",
  "jwk-remote-invalid": "auth_unavailable",
  "jwk-failed-to-resolve": "auth_unavailable",
  // Clerk's word for anything else that threw: the keys not loading, or a token that does not decode (below).
  "unexpected-error": "auth_unavailable",
};

/** An expired token's reason names why Clerk did not refresh it too: `session-token-expired-refresh-…`. */
const EXPIRED_AND_NOT_REFRESHED = /^session-token-expired(-|$)/;

/** Clerk checks these claims before the signature, so by themselves they say nothing of who made the token. */
const CHECKED_BEFORE_THE_SIGNATURE = new Set<NotSignedInCode>([
  "token_expired",
  "token_not_yet_valid",
  "wrong_authorized_party",
]);

/** A century: past any exp, nbf or iat, so that only the signature (and the token's form) is checked. */
const ANY_TIME_MS = 100 * 365 * 24 * 3600 * 1000;

function decodes(token: string): boolean {
  try {
    decodeJwt(token);
    return true;
  } catch {
    return false;
  }
}

/** Whether the instance's keys signed this token, whatever its times and azp. Clerk's own verification. */
async function signedByThisInstance(token: string): Promise<boolean> {
  try {
    await verifyToken(token, {
      jwtKey: config.jwtKey,
      secretKey: config.secretKey,
      apiUrl: config.apiUrl,
      clockSkewInMs: ANY_TIME_MS,
    });
    return true;
  } catch {
    return false;
  }
}

/**
 * Why getAuth found no session, from Clerk's own verdict. A token refused for its
 * times or azp is reported so only once its signature holds: anyone can write an
 * expired or foreign-azp token, and the answer must not tell them which claim Clerk
 * looked at first (docs/decisions/029-say-why-a-request-is-unauthorized.md).
 */
export async function whyNotSignedIn(auth: Auth): Promise<NotSignedIn> {
  // Clerk verified the token, but it names no session: a JWT template token carries no `sid`.
  if (auth.userId) return { code: "not_a_session_token", clerkReason: "signed-in-without-sid" };
  // getAuth counts a session with tasks left (`sts: "pending"`) as signed out.
  if (auth.sessionStatus === "pending") return { code: "session_pending", clerkReason: "session-pending" };
  const { reason, tokenInHeader, sessionTokenInCookie } = auth.debug() as {
    reason?: string;
    tokenInHeader?: string;
    sessionTokenInCookie?: string;
  };
  const clerkReason = reason ?? "none";
  const token = tokenInHeader || sessionTokenInCookie;
  if (!token) return { code: "no_credentials", clerkReason };
  if (!decodes(token)) return { code: "malformed_token", clerkReason };
  const code = EXPIRED_AND_NOT_REFRESHED.test(clerkReason)
    ? "token_expired"
    : (CODE_OF_REASON[clerkReason] ?? "invalid_token");
  if (CHECKED_BEFORE_THE_SIGNATURE.has(code) && !(await signedByThisInstance(token))) {
    return { code: "bad_signature", clerkReason };
  }
  return { code, clerkReason };
}
