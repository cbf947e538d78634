import { randomBytes } from "node:crypto";

/** One entry of a Clerk error body (`ClerkError` in the Backend API description). */
export interface ClerkError {
  code: string;
  message: string;
  long_message: string;
  meta?: Record<string, unknown>;
}

/**
 * A JSON response whose Content-Type is exactly `application/json`: @clerk/backend only
 * parses a body with that exact value, so no charset parameter may be appended.
 */
export function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

/** Clerk's error body: `{"errors":[{code,message,long_message,meta}],"clerk_trace_id":"…"}`. */
export function clerkErrorResponse(status: number, errors: ClerkError[]): Response {
  const body = {
    errors: errors.map((error) => ({ ...error, meta: error.meta ?? {} })),
    clerk_trace_id: randomBytes(16).toString("hex"),
  };
  return jsonResponse(body, status);
}

export function notFoundResponse(message: string, longMessage = message): Response {
  return clerkErrorResponse(404, [{ code: "resource_not_found", message, long_message: longMessage }]);
}

/** A 422 about one form field, which clerk-js shows under that field (`meta.param_name`). */
export function formError(code: string, paramName: string, message: string, longMessage = message): Response {
  return clerkErrorResponse(422, [{ code, message, long_message: longMessage, meta: { param_name: paramName } }]);
}

export function missingParam(paramName: string): Response {
  return formError("form_param_missing", paramName, "is missing", `${paramName} must be included.`);
}

export function invalidParam(paramName: string, longMessage: string): Response {
  return formError("form_param_value_invalid", paramName, "is invalid", longMessage);
}
