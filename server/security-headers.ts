import type { RequestHandler } from "express";
import { randomBytes } from "node:crypto";

export interface SecurityHeadersOptions {
  /** Origins clerk-js talks to besides this one: Clerk's Frontend API when it is not proxied. */
  clerkOrigins: string[];
}

/**
 * Security headers for every answer, with a fresh CSP nonce per request
 * (handed to Remix through the load context). 'strict-dynamic' lets the
 * nonced Remix scripts load clerk-js and its chunks, wherever they come from.
 */
export function securityHeaders({ clerkOrigins }: SecurityHeadersOptions): RequestHandler {
  const origins = clerkOrigins.join(" ");
  return (_req, res, next) => {
    const nonce = randomBytes(16).toString("base64");
    res.locals.cspNonce = nonce;
    const policy = [
      "default-src 'self'",
      `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
      // Clerk's components style themselves with inline <style> elements.
      "style-src 'self' 'unsafe-inline'",
      `connect-src 'self' ${origins}`,
      "img-src 'self' data: https://img.clerk.com",
      "worker-src 'self' blob:",
      `frame-src 'self' https://challenges.cloudflare.com`,
      "frame-ancestors 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      "object-src 'none'",
    ];
    res.setHeader("Content-Security-Policy", policy.join("; "));
    res.setHeader("Referrer-Policy", "strict-origin-when-cross-origin");
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()");
    next();
  };
}
