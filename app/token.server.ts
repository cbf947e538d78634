import { clerkClient } from "~/clerk.server";
import { config } from "~/config.server";
import { withinBudget } from "~/clerk-budget.server";
import { UnexpectedClerkAnswerError, tokenErrorResponse } from "~/errors.server";
import { apiError } from "~/http.server";
import { serverTimingOf } from "~/token-cache.server";
import { localTokenCache as tokenCache, sharedTokenCache } from "~/token-sharing/reuse.server";
import { reuseKeyOf } from "~/token-sharing/revocations.server";
import { sharedServerTiming, type TokenOwner } from "~/token-sharing/shared-cache.server";

const JWT_PATTERN = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/**
 * The name itself when it is on the allowlist (CLERK_JWT_TEMPLATES). Anything
 * else is answered with 400 here and never reaches Clerk.
 */
export function allowedTemplate(name: string | undefined): string {
  if (name !== undefined && config.allowedTemplates.includes(name)) return name;
  throw apiError(400, {
    message: `Ask for one template from the allowed list: ${config.allowedTemplates.join(", ")}.`,
    code: "template_not_allowed",
    allowedTemplates: config.allowedTemplates,
  });
}

/** The template a request asks for with `?template=`, or the configured default when it names none. */
export function templateFromRequest(request: Request): string {
  const requested = new URL(request.url).searchParams.getAll("template");
  if (requested.length === 0) return config.defaultTemplate;
  return allowedTemplate(requested.length === 1 ? requested[0] : undefined);
}

/**
 * Asks Clerk for a token from a JWT template for this session — the call the
 * docs show — with one retry for passing failures, all within CLERK_API_TIMEOUT_MS.
 */
async function requestTemplateToken(sessionId: string, template: string): Promise<string> {
  const token = await withinBudget(() => clerkClient.sessions.getToken(sessionId, template), config.apiTimeoutMs);
  // The SDK hands back a non-JSON answer as it is instead of throwing.
  if (typeof token?.jwt !== "string" || !JWT_PATTERN.test(token.jwt)) throw new UnexpectedClerkAnswerError();
  return token.jwt;
}

/** `Cache-Control: no-cache` on the request asks for a freshly minted token. */
export function wantsFreshToken(request: Request): boolean {
  const directives = (request.headers.get("Cache-Control") ?? "").split(",");
  return directives.some((directive) => directive.trim().toLowerCase() === "no-cache");
}

/**
 * A template token for this session: one reused from an earlier request while
 * it has enough life left (unless `fresh` or TOKEN_CACHE=off), else a new one
 * from Clerk. Also gives the `Server-Timing` value saying which it was.
 * Failures are thrown as JSON Responses a route can pass on as they are.
 */
export async function getTemplateToken(
  owner: TokenOwner,
  template: string,
  { fresh }: { fresh: boolean },
): Promise<{ token: { jwt: string }; serverTiming: string }> {
  // Keyed by the verified session, so a token never reaches another session.
  const key = reuseKeyOf(owner, template);
  const mint = () => requestTemplateToken(owner.sessionId, template);
  try {
    if (sharedTokenCache) {
      const failureAnswer = (error: unknown) => tokenErrorResponse(error, template);
      const shared = await sharedTokenCache.lookup(key, owner, mint, { fresh, failureAnswer });
      return { token: { jwt: shared.lookup.jwt }, serverTiming: sharedServerTiming(shared) };
    }
    const lookup = await tokenCache.lookup(key, mint, { fresh });
    return { token: { jwt: lookup.jwt }, serverTiming: serverTimingOf(lookup) };
  } catch (error) {
    // Each waiter of a shared call gets its own Response: a body can be sent only once.
    throw error instanceof Response ? error : tokenErrorResponse(error, template);
  }
}
