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

// The hosts Clerk's CSP guide lists (https://clerk.com/docs/guides/secure/best-practices/csp-headers),
// followed as documented rather than as one clerk-js bundle happens to need: people copy this policy.
// Cloudflare Turnstile, Clerk's bot protection: its script and its challenge frame.
const TURNSTILE = "https://challenges.cloudflare.com";
// Clerk's abuse and fraud protection: scripts and frames on its hosts, and calls to them on any port
// (a host source without a port matches 443 only; the guide requires the :*).
const CLERK_PROTECT = "https://*.protect.clerk.com";
const CLERK_PROTECT_ANY_PORT = `${CLERK_PROTECT}:*`;
const CLERK_TELEMETRY = "https://clerk-telemetry.com";

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
 * The pages' policy for a nonce, as Clerk's CSP guide lists it for this instance; all but the
 * nonce is put together once.
 */
export function pagePolicyFor({ frontendApiOrigin, developmentInstance }: ClerkPageSources): (nonce: string) => string {
  const frontendApi = frontendApiOrigin ? [frontendApiOrigin] : [];
  // Host sources beside 'strict-dynamic' are for browsers that do not know it; newer ones ignore them.
  const scriptFallback = ["'self'", ...frontendApi, TURNSTILE, CLERK_PROTECT].join(" ");
  const connectSources = [
    "'self'",
    ...frontendApi,
    CLERK_PROTECT_ANY_PORT,
    ...(developmentInstance ? [CLERK_TELEMETRY] : []),
  ].join(" ");
  const afterScripts = [
    // Clerk's components style themselves with inline <style> elements.
    "style-src 'self' 'unsafe-inline'",
    `connect-src ${connectSources}`,
    "img-src 'self' data: https://img.clerk.com",
    "worker-src 'self' blob:",
    `frame-src 'self' ${TURNSTILE} ${CLERK_PROTECT}`,
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ].join("; ");
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
