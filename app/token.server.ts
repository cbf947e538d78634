import type { Token } from "@clerk/backend";
import { clerkClient } from "~/clerk.server";
import { config } from "~/config.server";
import { ClerkTimeoutError, UnexpectedClerkAnswerError, tokenErrorResponse } from "~/errors.server";
import { apiError } from "~/http.server";

const JWT_PATTERN = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/**
 * The template a request asks for: `?template=` when it names an allowed
 * template, the configured default when absent. Anything else is answered
 * with 400 here and never reaches Clerk.
 */
export function templateFromRequest(request: Request): string {
  const requested = new URL(request.url).searchParams.getAll("template");
  if (requested.length === 0) return config.defaultTemplate;
  const [name] = requested;
  if (requested.length === 1 && name !== undefined && config.allowedTemplates.includes(name)) return name;
  throw apiError(400, {
    message: `Ask for one template from the allowed list: ${config.allowedTemplates.join(", ")}.`,
    code: "template_not_allowed",
    allowedTemplates: config.allowedTemplates,
  });
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ClerkTimeoutError(timeoutMs)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Asks Clerk for a token from a JWT template for this session — the call the
 * docs show — bounded by CLERK_API_TIMEOUT_MS. Failures are thrown as JSON
 * Responses a route can pass on as they are.
 */
export async function getTemplateToken(sessionId: string, template: string): Promise<Token> {
  try {
    const token = await withTimeout(clerkClient.sessions.getToken(sessionId, template), config.apiTimeoutMs);
    // The SDK hands back a non-JSON answer as it is instead of throwing.
    if (typeof token?.jwt !== "string" || !JWT_PATTERN.test(token.jwt)) throw new UnexpectedClerkAnswerError();
    return token;
  } catch (error) {
    throw tokenErrorResponse(error, template);
  }
}
