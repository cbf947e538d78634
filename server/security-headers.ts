import type { RequestHandler } from "express";
import { randomBytes } from "node:crypto";

/** What clerk-js loads and calls from the pages, which their policy must allow. */
export interface ClerkPageSources {
  /** Clerk's Frontend API origin when clerk-js calls it directly; undefined behind the app's proxy (same origin). */
  frontendApiOrigin?: string;
  /** Development keys (`pk_test_`): clerk-js then sends telemetry to clerk-telemetry.com. */
  developmentInstance: boolean;
}

export interface SecurityHeadersOptions {
  clerk: ClerkPageSources;
  /** Where the JSON API lives, e.g. `/api/`: its answers are never rendered. */
  apiPrefix: string;
}

// Cloudflare Turnstile, clerk-js's bot protection: its script (clerk-js adds it; the host is the
// fallback for browsers that ignore 'strict-dynamic') and its challenge frame.
const TURNSTILE = "https://challenges.cloudflare.com";
const CLERK_TELEMETRY = "https://clerk-telemetry.com";
// No https://*.protect.clerk.com: clerk-js 5.128 names no such host. Its "protect" loaders are
// elements whose URLs the instance's environment supplies, and a script clerk-js inserts is
// already allowed by 'strict-dynamic'.

const COMMON_HEADERS = new Map([
  ["Referrer-Policy", "strict-origin-when-cross-origin"],
  ["X-Content-Type-Options", "nosniff"],
  ["X-Frame-Options", "DENY"],
  ["Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"],
]);

// JSON answers run no script and load nothing, whoever opens them: a fixed
// policy that allows nothing, and no nonce to make.
const API_POLICY = "default-src 'none'; frame-ancestors 'none'";

/**
 * The pages' policy for a nonce, as Clerk's CSP guide and the clerk-js 5.128 bundle need it;
 * all but the nonce is put together once.
 */
export function pagePolicyFor({ frontendApiOrigin, developmentInstance }: ClerkPageSources): (nonce: string) => string {
  const frontendApi = frontendApiOrigin ? [frontendApiOrigin] : [];
  const scriptFallback = ["'self'", ...frontendApi, TURNSTILE].join(" ");
  const connectSources = ["'self'", ...frontendApi, ...(developmentInstance ? [CLERK_TELEMETRY] : [])].join(" ");
  const afterScripts = [
    // Clerk's components style themselves with inline <style> elements.
    "style-src 'self' 'unsafe-inline'",
    `connect-src ${connectSources}`,
    "img-src 'self' data: https://img.clerk.com",
    "worker-src 'self' blob:",
    `frame-src 'self' ${TURNSTILE}`,
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ].join("; ");
  // Browsers that know 'strict-dynamic' ignore the host sources beside it; older ones use them.
  return (nonce) =>
    `default-src 'self'; script-src ${scriptFallback} 'nonce-${nonce}' 'strict-dynamic'; ${afterScripts}`;
}

/**
 * Security headers for every answer. Pages get a fresh CSP nonce per request
 * (handed to Remix through the load context); 'strict-dynamic' lets the
 * nonced Remix scripts load clerk-js and its chunks, wherever they come from.
 */
export function securityHeaders({ clerk, apiPrefix }: SecurityHeadersOptions): RequestHandler {
  const pagePolicy = pagePolicyFor(clerk);
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
