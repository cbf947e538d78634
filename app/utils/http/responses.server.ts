/**
 * Headers every answer of the token API carries: tokens are never cached.
 * (X-Content-Type-Options: nosniff is set on every answer by server/security-headers.ts.)
 */
export const TOKEN_API_HEADERS = {
  "Cache-Control": "no-store",
} as const;

export type ApiErrorBody = {
  message: string;
  code: string;
  clerkTraceId?: string;
  [extra: string]: unknown;
};

export function jsonResponse(body: unknown, status: number, headers: HeadersInit = {}): Response {
  const merged = new Headers(headers);
  for (const [name, value] of Object.entries(TOKEN_API_HEADERS)) merged.set(name, value);
  return Response.json(body, { status, headers: merged });
}

/** An error answer that a route can `throw`: Remix sends thrown Responses as they are. */
export function apiError(status: number, body: ApiErrorBody, headers: HeadersInit = {}): Response {
  return jsonResponse(body, status, headers);
}
