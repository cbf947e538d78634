import { isClerkAPIResponseError } from "@clerk/remix/errors";
import { apiError } from "~/utils/http/responses.server";

/** Clerk did not answer within CLERK_API_TIMEOUT_MS. */
export class ClerkTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`Clerk did not answer within ${timeoutMs} ms`);
    this.name = "ClerkTimeoutError";
  }
}

/** Clerk answered 200 with something that is not a token. */
export class UnexpectedClerkAnswerError extends Error {
  constructor() {
    super("Clerk's answer held no JWT");
    this.name = "UnexpectedClerkAnswerError";
  }
}

function log(message: string) {
  console.error(`[token] ${message}`);
}

const clerkUnavailable = (clerkTraceId?: string) =>
  apiError(502, {
    message: "Clerk could not be reached or gave an unusable answer. Try again shortly.",
    code: "clerk_unavailable",
    ...(clerkTraceId && { clerkTraceId }),
  });

/** Clerk's 404 for a template name it does not have (as opposed to an ended session). */
/**
 * Whether Clerk's failure says a token from this session and template may be
 * stale: the session has ended or been revoked, or the template is gone (404).
 * Rate limits, outages and timeouts say nothing about it.
 */
export function saysTokenIsStale(error: unknown): boolean {
  return isClerkAPIResponseError(error) && error.status === 404;
}

export function isTemplateNotFound(error: unknown): boolean {
  return (
    isClerkAPIResponseError(error) && error.status === 404 && error.errors.some((e) => /jwt template/i.test(e.message))
  );
}

/** Clerk's refusal of a token for an organization the user is no longer a member of (still active in the session). */
function isNotOrganizationMember(error: unknown): boolean {
  return (
    isClerkAPIResponseError(error) && error.errors.some((e) => e.code === "organization_not_found_or_unauthorized")
  );
}

/**
 * Turns whatever `sessions.getToken` threw into a deliberate JSON answer.
 * The client never sees Clerk's own text or anything about the secret key.
 */
export function tokenErrorResponse(error: unknown, template: string): Response {
  if (error instanceof ClerkTimeoutError) {
    log(error.message);
    return apiError(504, { message: "Clerk took too long to answer. Try again shortly.", code: "clerk_timeout" });
  }
  if (!isClerkAPIResponseError(error) || error.status === undefined) {
    log(`Clerk call failed: ${error instanceof Error ? error.name : typeof error}`);
    return clerkUnavailable();
  }

  const { status, clerkTraceId } = error;
  const trace = clerkTraceId ? { clerkTraceId } : {};
  if (isTemplateNotFound(error)) {
    return apiError(404, {
      message: `No JWT template named "${template}" exists in this Clerk instance. Create it in the Clerk Dashboard under JWT templates.`,
      code: "template_not_found",
      ...trace,
    });
  }
  if (isNotOrganizationMember(error)) {
    return apiError(403, {
      message:
        "You are no longer a member of the active organization. Switch to another organization or to your personal account.",
      code: "not_organization_member",
      ...trace,
    });
  }
  if (status === 404) {
    // The session token was still valid, but Clerk has ended or revoked the session.
    return apiError(
      401,
      { message: "This session is no longer active. Sign in again.", code: "session_not_active", ...trace },
      { "WWW-Authenticate": 'Bearer error="invalid_token"' },
    );
  }
  if (status === 429) {
    const retryAfter = error.retryAfter ?? 1;
    return apiError(
      429,
      { message: `Clerk's rate limit was reached. Retry after ${retryAfter} s.`, code: "rate_limited", ...trace },
      { "Retry-After": String(retryAfter) },
    );
  }
  if (status === 401 || status === 403) {
    log(`Clerk rejected CLERK_SECRET_KEY (HTTP ${status}). Check that it is this instance's current secret key.`);
    return apiError(500, {
      message: "The server is not configured correctly.",
      code: "server_misconfigured",
      ...trace,
    });
  }
  log(`Clerk answered HTTP ${status}`);
  return clerkUnavailable(clerkTraceId);
}
