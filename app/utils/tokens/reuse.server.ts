import { chargedWithinBudget } from "~/utils/clerk/budget.server";
import {
  isTemplateNotFound,
  tokenErrorResponse,
  UnexpectedClerkAnswerError,
  templateTokenCall,
} from "~/utils/clerk/errors.server";
import { clerkCallBudgets } from "~/utils/clerk/user-shares.server";
import { config } from "~/utils/config/config.server";
import { refreshTemplateNames } from "~/utils/templates/instance-names.server";
import { serverTimingOf } from "~/utils/tokens/cache.server";
import { reuseKeyOf } from "~/utils/tokens/sharing/revocations.server";
import { sharedServerTiming } from "~/utils/tokens/sharing/shared-cache.server";
import { localTokenCache as tokenCache, sharedTokenCache } from "~/utils/tokens/sharing/stores.server";

/**
 * The wrapping around `clerkClient.sessions.getToken` that the token routes
 * hand their call to: reuse per session and template, each user's share of
 * Clerk's rate limit, a time budget with one retry, and Clerk's failures turned
 * into JSON answers. Why reuse, and the revocation window it leaves:
 * docs/decisions/002-token-reuse-and-revocation-window.md; the share: 026.
 */

const JWT_PATTERN = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/** `Cache-Control: no-cache` on the request asks for a freshly minted token. */
export function wantsFreshToken(request: Request): boolean {
  const directives = (request.headers.get("Cache-Control") ?? "").split(",");
  return directives.some((directive) => directive.trim().toLowerCase() === "no-cache");
}

/** Which token a request wants: for whom, as `getAuth` verified it, from which template, and whether fresh. */
export interface TokenRequest {
  sessionId: string;
  /** Whose session it is: a webhook saying the user was deleted drops their tokens. */
  userId: string | null;
  orgId?: string | null;
  orgRole?: string | null;
  template: string;
  fresh: boolean;
}

/**
 * Runs Clerk's call within CLERK_API_TIMEOUT_MS, charged to `who`'s share of the rate limit, and
 * checks that it answered with a JWT.
 */
async function callClerkWithinBudget(who: string, getToken: () => Promise<{ jwt: string } | null>): Promise<string> {
  const token = await chargedWithinBudget(clerkCallBudgets, who, getToken, config.apiTimeoutMs);
  // The SDK hands back a non-JSON answer as it is instead of throwing.
  if (typeof token?.jwt !== "string" || !JWT_PATTERN.test(token.jwt)) throw new UnexpectedClerkAnswerError();
  return token.jwt;
}

/**
 * The token `getToken` would mint, or one it minted for an earlier request
 * while that has enough life left (unless `fresh`, or TOKEN_CACHE=off), with
 * the `Server-Timing` value and `reused` saying which. Failures are thrown as
 * JSON Responses a route can pass on as they are.
 */
export async function reuseTemplateToken(
  { sessionId, userId, orgId, orgRole, template, fresh }: TokenRequest,
  getToken: () => Promise<{ jwt: string } | null>,
): Promise<{ token: { jwt: string }; serverTiming: string; reused: boolean }> {
  // Keyed by the verified session, so a token never reaches another session, and by its
  // active organization and role: a session switches organization without a new id, and
  // templates may carry {{org.*}} claims.
  // Owner first, so that a revocation (Clerk's webhooks) finds the session's, user's or organization's tokens.
  const owner = { sessionId, userId: userId ?? "", orgId: orgId ?? null };
  const key = reuseKeyOf(owner, orgRole ?? null, template);
  // What a failure's log line names: the Backend API call, without the session id.
  const call = templateTokenCall(template, config.apiUrl);
  // Runs only when a Clerk call is to be made (not for a reused token, nor a share of another
  // request's call), charged to the user's share of the rate limit: refused before Clerk when spent.
  // Tested here, before the shared path turns Clerk's error into a Response: with `*`, the
  // next request for a template Clerk no longer has is refused without a call.
  const mint = () =>
    callClerkWithinBudget(userId ?? sessionId, getToken).catch((error: unknown) => {
      if (isTemplateNotFound(error)) void refreshTemplateNames();
      throw error;
    });
  try {
    if (sharedTokenCache) {
      const failureAnswer = (error: unknown) => tokenErrorResponse(error, call);
      const shared = await sharedTokenCache.lookup(key, owner, mint, { fresh, failureAnswer });
      const reused = shared.lookup.outcome === "hit" || shared.source === "hit";
      return { token: { jwt: shared.lookup.jwt }, serverTiming: sharedServerTiming(shared), reused };
    }
    const lookup = await tokenCache.lookup(key, mint, { fresh });
    return { token: { jwt: lookup.jwt }, serverTiming: serverTimingOf(lookup), reused: lookup.outcome === "hit" };
  } catch (error) {
    // Each waiter of a shared call gets its own Response (a body can be sent only once);
    // a failure shared through Redis arrives as one already.
    throw error instanceof Response ? error : tokenErrorResponse(error, call);
  }
}
