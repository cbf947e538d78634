import { z } from "zod";
import { clerkErrorResponse, type ClerkError } from "./http";
import type { JsonObject } from "./store/json";

export type Parsed<T> = { ok: true; data: T } | { ok: false; response: Response };

/** An integer parameter with bounds, e.g. `limit` 1…500. */
export function boundedInteger(min: number, max: number) {
  const error = `must be an integer between ${min} and ${max}`;
  return z.int({ error }).min(min, { error }).max(max, { error });
}

/** The token lifetimes Clerk accepts, for `expires_in_seconds` and a template's `lifetime`. */
export const lifetimeSeconds = boundedInteger(30, 315_360_000);

/** The clock skew Clerk accepts for a template's `allowed_clock_skew`. */
export const clockSkewSeconds = boundedInteger(0, 300);

/** `limit` and `offset`, as the Backend and Frontend APIs' lists take them. */
export const pageQuery = {
  limit: z.coerce.number().pipe(boundedInteger(1, 500)).default(10),
  offset: z.coerce.number().pipe(boundedInteger(0, Number.MAX_SAFE_INTEGER)).default(0),
};

export const jsonObject = z.record(z.string(), z.json(), { error: "must be a JSON object" }) as z.ZodType<JsonObject>;

/**
 * Reads a JSON object body. An empty or absent body counts as `{}`, as it does for
 * Clerk's token endpoints, which @clerk/backend calls without a body.
 */
export async function parseJsonBody<T>(request: Request, schema: z.ZodType<T>): Promise<Parsed<T>> {
  const text = await request.text();
  let body: unknown = {};
  if (text.trim() !== "") {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    const longMessage = "The request body must be a JSON object.";
    return {
      ok: false,
      response: clerkErrorResponse(400, [
        { code: "request_body_invalid", message: "is invalid", long_message: longMessage },
      ]),
    };
  }
  return parseParams(body, schema);
}

/** Validates parameters (body or query); failures become a 422 in Clerk's error shape. */
export function parseParams<T>(params: unknown, schema: z.ZodType<T>): Parsed<T> {
  const result = schema.safeParse(params, { reportInput: true });
  if (result.success) return { ok: true, data: result.data };
  return { ok: false, response: clerkErrorResponse(422, result.error.issues.map(toClerkError)) };
}

function toClerkError(issue: z.core.$ZodIssue): ClerkError {
  // A key the endpoint does not take is named as the parameter at fault.
  const paramName = issue.code === "unrecognized_keys" ? issue.keys.join(", ") : issue.path.join(".");
  const meta = { param_name: paramName };
  if (issue.code === "invalid_type" && issue.input === undefined) {
    return { code: "form_param_missing", message: "is missing", long_message: `${paramName} must be included.`, meta };
  }
  const code = issue.code === "invalid_type" ? "form_param_format_invalid" : "form_param_value_invalid";
  return { code, message: "is invalid", long_message: `${paramName} ${issue.message}.`, meta };
}
