import type { ErrorRequestHandler, RequestHandler, Response } from "express";
import type { Socket } from "node:net";
import { isMarkedNotSessionToken, logNotSignedIn, NOT_SIGNED_IN } from "../app/utils/clerk/unauthorized.server";

/** The app's error body: `{"message": "…", "code": "…"}`. */
function errorBody(code: string, message: string) {
  return JSON.stringify({ message, code });
}

/** A JSON error answer, also from guards that run before server/security-headers.ts. */
export function sendJsonError(
  res: Response,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
) {
  res
    .status(status)
    .type("application/json")
    .set({ "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", ...headers })
    .send(errorBody(code, message));
}

/**
 * The JSON API is read-only. Remix would hand OPTIONS and other methods it
 * does not route to actions to the loader, so they are refused here.
 */
export const readOnlyApi: RequestHandler = (req, res, next) => {
  if (req.method === "GET" || req.method === "HEAD") return next();
  sendJsonError(res, 405, "method_not_allowed", "Only GET and HEAD are supported.", { Allow: "GET, HEAD" });
};

/**
 * Two Authorization headers are ambiguous (Node keeps the first, a proxy may
 * keep the last): refuse them instead of guessing who the caller is.
 */
export const singleAuthorizationHeader: RequestHandler = (req, res, next) => {
  const count = req.rawHeaders.filter(
    (value, index) => index % 2 === 0 && value.toLowerCase() === "authorization",
  ).length;
  if (count <= 1) return next();
  sendJsonError(res, 400, "invalid_request", "Send at most one Authorization header.");
};

/** The token Clerk reads from an Authorization header: after `Bearer `, or the whole value if it has no space. */
function authorizationToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const [scheme, token] = header.split(" ", 2);
  if (!token) return scheme;
  return scheme === "Bearer" ? token : undefined;
}

/**
 * A JWT whose `cat` header says it is not a session token (a JWT template token,
 * an M2M token) signs nobody in, on any route: @clerk/backend 3 refuses it so, and
 * 2.x does not look yet (docs/decisions/029-say-why-a-request-is-unauthorized.md).
 */
export const sessionTokensOnly: RequestHandler = (req, res, next) => {
  const token = authorizationToken(req.headers.authorization);
  if (token === undefined || !isMarkedNotSessionToken(token)) return next();
  const code = "not_a_session_token";
  logNotSignedIn({ code, clerkReason: "cat-header-not-session" }, req.method, req.path);
  sendJsonError(res, 401, code, NOT_SIGNED_IN[code].message, { "WWW-Authenticate": 'Bearer error="invalid_token"' });
};

/** What a client error is answered with: the status line's parts and the JSON body. */
function clientErrorAnswer(code: string | undefined): [number, string, string] {
  switch (code) {
    case "HPE_HEADER_OVERFLOW":
      return [
        431,
        "Request Header Fields Too Large",
        errorBody("headers_too_large", "The request's URL or headers are too large."),
      ];
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return [
        408,
        "Request Timeout",
        errorBody("request_timeout", "The request did not arrive in time (HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS)."),
      ];
    default:
      return [400, "Bad Request", errorBody("bad_request", "The request is not valid HTTP.")];
  }
}

/**
 * Requests Node's HTTP parser rejects (oversized headers or URL, control
 * characters) or that take too long to arrive (server/timeouts.ts) get a JSON
 * answer too, instead of a bare status line; none once an answer has begun.
 */
export function answerMalformedRequest(error: NodeJS.ErrnoException, socket: Socket) {
  // Node links the socket to the answer being written, if any; a second status line would corrupt it.
  const answering = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
  if (!socket.writable || answering) {
    socket.destroy();
    return;
  }
  const [status, reason, body] = clientErrorAnswer(error.code);
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Cache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** What an error that Express or a middleware passed on says its status is, when it is the client's fault. */
function clientErrorStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" && status >= 400 && status < 500 ? status : undefined;
}

/**
 * The last handler: whatever reaches it is answered with JSON, never with
 * Express's default error page, which shows the stack unless NODE_ENV=production.
 */
export const answerUnexpectedError: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
  const status = clientErrorStatus(error);
  if (status === undefined) console.error(error);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (status !== undefined) {
    sendJsonError(res, status, "bad_request", "The request could not be read.");
  } else {
    sendJsonError(res, 500, "internal_error", "Something went wrong on the server. Try again shortly.");
  }
};
