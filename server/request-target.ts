import type { Request, RequestHandler } from "express";
import type { IncomingMessage } from "node:http";
import { sendJsonError } from "./request-guards";

/**
 * Escapes of unreserved characters (letters, digits, - . _ ~), which RFC 3986
 * §6.2.2.2 says mean the same as the characters themselves.
 */
const UNRESERVED_ESCAPE = /%(?:2[DEde]|3\d|[46][1-9A-Fa-f]|[57][\dAa]|5[Ff]|7[Ee])/g;

/**
 * Segments of letters, digits, `_`, `-` and `~` only: no escape, dot segment or backslash
 * that WHATWG URL would change, so such a path is canonical as it is (most requests).
 */
const PLAIN_PATH = /^(?:\/[\w~-]+)*\/?$/;

/** A host (name, IPv4 or [IPv6]) and an optional port: nothing a URL could read as more. */
const HOST_PATTERN = /^(?:\[[\dA-Fa-f:.]+\]|[\w.-]+)(?::\d{1,5})?$/;

/**
 * The path as Remix will match it: unreserved escapes decoded (/%61pi is
 * /api) and dot segments resolved (/x/../api is /api), as WHATWG URL does,
 * which also reads a backslash as a slash. Appended to a base, not resolved
 * against it, so that //elsewhere/ stays a path.
 */
function canonicalPath(path: string): string {
  if (PLAIN_PATH.test(path)) return path;
  const decoded = path.replace(UNRESERVED_ESCAPE, (escape) => String.fromCharCode(parseInt(escape.slice(1), 16)));
  return new URL(`http://path.invalid${decoded}`).pathname;
}

/**
 * Absolute-form targets (`GET http://host/path`, RFC 9112 §3.2.2, which
 * servers must accept) made origin-form, their authority replacing Host.
 * Called before Express's router, which would otherwise keep the scheme and
 * host in front of req.url through every mounted middleware.
 */
export function acceptAbsoluteForm(req: IncomingMessage): void {
  if (req.url === undefined || req.url.startsWith("/") || !URL.canParse(req.url)) return;
  const url = new URL(req.url);
  if (!/^https?:$/.test(url.protocol) || url.username || url.password) return;
  req.url = url.pathname + url.search;
  req.headers.host = url.host;
}

/**
 * The origin the client asked for: Host, or the first X-Forwarded-Host when
 * TRUST_PROXY says a proxy sets it; undefined when it cannot form a URL.
 */
function originOf(req: Request, trustedProxies: number): string | undefined {
  const forwardedHost = trustedProxies > 0 ? req.get("X-Forwarded-Host")?.split(",")[0]?.trim() : undefined;
  const host = forwardedHost || req.get("Host");
  if (!host || !HOST_PATTERN.test(host)) return undefined;
  const origin = `${req.protocol}://${host}`;
  return URL.canParse(origin) ? origin : undefined;
}

/**
 * One reading of every request's target, before anything routes on it, so
 * that Express (the API's guards, headers and compression), Remix and Clerk
 * all see the same path and origin: the path is made canonical (req.url),
 * and the origin is kept in
 * `res.locals.origin`. A target or host that cannot form a URL gets 400 JSON.
 */
export function requestTarget({ trustedProxies }: { trustedProxies: number }): RequestHandler {
  return (req, res, next) => {
    // What acceptAbsoluteForm left: `*` (OPTIONS), authority-form (CONNECT) or a malformed URL.
    if (!req.url.startsWith("/")) {
      sendJsonError(res, 400, "bad_request", "The request target must be a path or an absolute http(s) URL.");
      return;
    }
    const origin = originOf(req, trustedProxies);
    if (!origin) {
      sendJsonError(res, 400, "bad_host", "The Host header must be a host name or address, with an optional port.");
      return;
    }
    res.locals.origin = origin;
    const [, path = "", query = ""] = /^([^?]*)(.*)$/s.exec(req.url) ?? [];
    req.url = canonicalPath(path) + query;
    next();
  };
}
