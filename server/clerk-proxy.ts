import type { Request, RequestHandler, Response } from "express";
import { createProxyMiddleware } from "http-proxy-middleware";

export interface ClerkProxyOptions {
  /** The path clerk-js calls, e.g. /__clerk. */
  path: string;
  /** CLERK_PROXY_URL when it is a full URL; else each request's origin and `path` make it. */
  url?: string;
  /** The Frontend API the calls are forwarded to. */
  target: string;
  secretKey: string;
  /** How long to wait for the Frontend API's answer before 504 (CLERK_PROXY_TIMEOUT_MS). */
  timeoutMs: number;
}

// RFC 9110 §7.6.1: meant for this hop only. http-proxy sets Connection itself.
const HOP_BY_HOP = [
  "keep-alive",
  "proxy-authorization",
  "proxy-authenticate",
  "proxy-connection",
  "te",
  "trailer",
  "upgrade",
];
// What the Frontend API learns of the client comes from this server, not from what the client claims.
const CLIENT_CLAIMS = ["forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port"];

/** Hop-by-hop headers, with those the request's Connection header names. */
function hopByHopHeaders(req: Request): string[] {
  const named = (req.get("Connection") ?? "").split(",").map((name) => name.trim().toLowerCase());
  return [...HOP_BY_HOP, ...named.filter(Boolean)];
}

/** The peer's address, after the chain of proxies Express trusts under TRUST_PROXY (req.ips, farthest first). */
function forwardedFor(req: Request): string {
  return [...req.ips, req.socket.remoteAddress ?? ""].filter(Boolean).join(", ");
}

function sendProxyError(res: Response, status: number, code: string, message: string) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { "Content-Type": "application/json", "Cache-Control": "no-store" });
  res.end(JSON.stringify({ errors: [{ code, message }] }));
}

/** Answers whose Frontend API call ran out of CLERK_PROXY_TIMEOUT_MS. */
const timedOut = new WeakSet<Response>();

/**
 * Clerk's Frontend API proxy contract: every request under the proxy path is
 * forwarded with its body and end-to-end headers, plus Clerk-Proxy-Url,
 * Clerk-Secret-Key and X-Forwarded-For, so that clerk-js works same-origin.
 */
export function clerkProxy({ path, url, target, secretKey, timeoutMs }: ClerkProxyOptions): RequestHandler {
  return createProxyMiddleware<Request, Response>({
    target,
    changeOrigin: true,
    proxyTimeout: timeoutMs,
    on: {
      proxyReq(proxyReq, req, res) {
        // http-proxy aborts the call once proxyTimeout passes; the abort then arrives as an error.
        proxyReq.once("timeout", () => timedOut.add(res));
        for (const name of [...hopByHopHeaders(req), ...CLIENT_CLAIMS]) proxyReq.removeHeader(name);
        // server/request-target.ts read the origin (X-Forwarded-Host and -Proto only under TRUST_PROXY).
        proxyReq.setHeader("Clerk-Proxy-Url", url ?? `${res.locals.origin as string}${path}`);
        proxyReq.setHeader("Clerk-Secret-Key", secretKey);
        proxyReq.setHeader("X-Forwarded-For", forwardedFor(req));
      },
      error(_error, _req, res) {
        if (!("locals" in res)) return;
        if (timedOut.has(res)) {
          sendProxyError(res, 504, "proxy_timeout", `Clerk's Frontend API did not answer within ${timeoutMs} ms.`);
        } else {
          sendProxyError(res, 502, "proxy_unreachable", "Clerk's Frontend API could not be reached.");
        }
      },
    },
  });
}
