import { isClerkAPIResponseError } from "@clerk/remix/errors";
import { ClerkCallBudgetSpent } from "~/utils/clerk/call-budget.server";
import { recentNetworkFailure } from "~/utils/clerk/network-failures.server";
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

/** Which Clerk call failed, for the log: its template (allowlisted) and URL, without the session id. */
export type ClerkCall = { template: string; url: string };

/** `sessions.getToken(sessionId, template)` against the Backend API at `apiUrl`, as a failure's log line names it. */
export function templateTokenCall(template: string, apiUrl: string): ClerkCall {
  return { template, url: `${apiUrl}/v1/sessions/{session_id}/tokens/${template}` };
}

/** undici reports a failed request just before fetch() rejects; older failures are another call's. */
const SAME_CALL_MS = 1000;

/** What went wrong before Clerk answered: the network's own words when undici saw them, else the SDK's. */
function causeOf(error: unknown, { url }: ClerkCall): string {
  if (isClerkAPIResponseError(error)) {
    return recentNetworkFailure(new URL(url).origin, SAME_CALL_MS) ?? error.errors[0]?.message ?? error.name;
  }
  return error instanceof Error ? `${error.name}: ${error.message}` : typeof error;
}

const clerkUnavailable = (clerkTraceId?: string) =>
  apiError(502, {
    message: "Clerk could not be reached or gave an unusable answer. Try again shortly.",
    code: "clerk_unavailable",
    ...(clerkTraceId && { clerkTraceId }),
  });

/**
 * Whether Clerk's failure says a token from this session and template may be
 * stale: the session has ended or been revoked, or the template is gone (404).
 * Rate limits, outages and timeouts say nothing about it.
 */
export function saysTokenIsStale(error: unknown): boolean {
  return isClerkAPIResponseError(error) && error.status === 404;
}

/** Clerk's 404 for a template name it does not have (as opposed to an ended session). */
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

/** 429 `user_rate_limited`: this user's share of Clerk's rate limit is spent, so Clerk was not called. */
export function userRateLimited({ retryAfterSeconds, callsPerWindow, windowSeconds }: ClerkCallBudgetSpent): Response {
  return apiError(
    429,
    {
      message:
        `You have used your share of this app's Clerk calls (${callsPerWindow} per ${windowSeconds} s per ` +
        `user), so Clerk was not called. Retry after ${retryAfterSeconds} s.`,
      code: "user_rate_limited",
    },
    { "Retry-After": String(retryAfterSeconds) },
  );
}

/**
 * Turns whatever `sessions.getToken` threw into a deliberate JSON answer.
 * The client never sees Clerk's own text or anything about the secret key.
 */
export function tokenErrorResponse(error: unknown, call: ClerkCall): Response {
  const { template } = call;
  if (error instanceof ClerkCallBudgetSpent) return userRateLimited(error);
  if (error instanceof ClerkTimeoutError) {
    log(`${error.message}: POST ${call.url}`);
    return apiError(504, { message: "Clerk took too long to answer. Try again shortly.", code: "clerk_timeout" });
  }
  if (!isClerkAPIResponseError(error) || error.status === undefined) {
    log(`Clerk call failed (${causeOf(error, call)}): POST ${call.url}`);
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
    log("401 session_not_active: Clerk has ended or revoked the session");
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
  log(`Clerk answered HTTP ${status}: POST ${call.url}`);
  return clerkUnavailable(clerkTraceId);
}
