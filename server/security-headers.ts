import type { RequestHandler } from "express";
import { randomBytes } from "node:crypto";

export interface SecurityHeadersOptions {
  /** Origins clerk-js talks to besides this one: Clerk's Frontend API when it is not proxied. */
  clerkOrigins: string[];
  /** Where the JSON API lives, e.g. `/api/`: its answers are never rendered. */
  apiPrefix: string;
}

const COMMON_HEADERS = new Map([
  ["Referrer-Policy", "strict-origin-when-cross-origin"],
  ["X-Content-Type-Options", "nosniff"],
  ["X-Frame-Options", "DENY"],
  ["Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"],
]);

// JSON answers run no script and load nothing, whoever opens them: a fixed
// policy that allows nothing, and no nonce to make.
const API_POLICY = "default-src 'none'; frame-ancestors 'none'";

/** The pages' policy for a nonce; all but the nonce is put together once. */
function pagePolicyFor(clerkOrigins: string[]): (nonce: string) => string {
  const afterScripts = [
    // Clerk's components style themselves with inline <style> elements.
    "style-src 'self' 'unsafe-inline'",
    `connect-src 'self' ${clerkOrigins.join(" ")}`,
    "img-src 'self' data: https://img.clerk.com",
    "worker-src 'self' blob:",
    `frame-src 'self' https://challenges.cloudflare.com`,
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ].join("; ");
  return (nonce) => `default-src 'self'; script-src 'self' 'nonce-${nonce}' 'strict-dynamic'; ${afterScripts}`;
}

/**
 * Security headers for every answer. Pages get a fresh CSP nonce per request
 * (handed to Remix through the load context); 'strict-dynamic' lets the
 * nonced Remix scripts load clerk-js and its chunks, wherever they come from.
 */
export function securityHeaders({ clerkOrigins, apiPrefix }: SecurityHeadersOptions): RequestHandler {
  const pagePolicy = pagePolicyFor(clerkOrigins);
  return (req, res, next) => {
    res.setHeaders(COMMON_HEADERS);
    // Case-insensitive, as Express and Remix route it.
    if (req.path.toLowerCase().startsWith(apiPrefix)) {
      res.setHeader("Content-Security-Policy", API_POLICY);
    } else {
      const nonce = randomBytes(16).toString("base64");
      res.locals.cspNonce = nonce;
      res.setHeader("Content-Security-Policy", pagePolicy(nonce));
    }
    next();
  };
}
