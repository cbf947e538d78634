import type { RequestHandler } from "express";
import { createProxyMiddleware } from "http-proxy-middleware";

export interface ClerkProxyOptions {
  /** The path clerk-js calls, e.g. /__clerk. */
  path: string;
  /** The Frontend API the calls are forwarded to. */
  target: string;
  secretKey: string;
}

/**
 * Clerk's Frontend API proxy contract: every request under the proxy path is
 * forwarded with its body and headers intact, plus Clerk-Proxy-Url,
 * Clerk-Secret-Key and X-Forwarded-For, so that clerk-js works same-origin.
 */
export function clerkProxy({ path, target, secretKey }: ClerkProxyOptions): RequestHandler {
  return createProxyMiddleware({
    target,
    changeOrigin: true,
    xfwd: true,
    on: {
      proxyReq(proxyReq, req) {
        const host = req.headers["x-forwarded-host"] ?? req.headers.host;
        const protocol = req.headers["x-forwarded-proto"] ?? "http";
        proxyReq.setHeader("Clerk-Proxy-Url", `${protocol}://${host}${path}`);
        proxyReq.setHeader("Clerk-Secret-Key", secretKey);
      },
      error(_error, _req, res) {
        const body = JSON.stringify({
          errors: [{ code: "proxy_unreachable", message: "Clerk's Frontend API could not be reached." }],
        });
        if ("writeHead" in res && !res.headersSent) {
          res.writeHead(502, { "Content-Type": "application/json" }).end(body);
        } else {
          res.end();
        }
      },
    },
  });
}
