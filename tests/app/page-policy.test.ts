import { describe, expect, it } from "vitest";
import { pagePolicyFor } from "../../server/security-headers";

// The pages' Content-Security-Policy for each kind of instance, in full: what Clerk's CSP guide
// (https://clerk.com/docs/guides/secure/best-practices/csp-headers) lists for it, and nothing more.

const NONCE = "bm9uY2Utbm9uY2Utbm9uY2U=";

/** The policy's directives by name. */
function directives(policy: string): Record<string, string> {
  return Object.fromEntries(
    policy.split("; ").map((directive) => [directive.split(" ")[0]!, directive.slice(directive.indexOf(" ") + 1)]),
  );
}

const COMMON = {
  "default-src": "'self'",
  "style-src": "'self' 'unsafe-inline'",
  "img-src": "'self' data: https://img.clerk.com",
  "worker-src": "'self' blob:",
  // Turnstile's challenge, and Clerk's abuse and fraud protection.
  "frame-src": "'self' https://challenges.cloudflare.com https://*.protect.clerk.com",
  "frame-ancestors": "'none'",
  "base-uri": "'self'",
  "form-action": "'self'",
  "object-src": "'none'",
};

const scriptSrc = (...frontendApi: string[]) =>
  ["'self'", ...frontendApi, "https://challenges.cloudflare.com https://*.protect.clerk.com"].join(" ") +
  ` 'nonce-${NONCE}' 'strict-dynamic'`;

describe("the page policy", () => {
  it("behind the app's Frontend API proxy (the offline emulator) names no Frontend API host", () => {
    const policy = pagePolicyFor({ developmentInstance: false })(NONCE);
    expect(directives(policy)).toEqual({
      ...COMMON,
      "script-src": scriptSrc(),
      "connect-src": "'self' https://*.protect.clerk.com:*",
    });
  });

  it("for a development instance allows its Frontend API, Clerk's protection on any port, and telemetry", () => {
    const frontendApiOrigin = "https://happy-otter-12.clerk.accounts.dev";
    const policy = pagePolicyFor({ frontendApiOrigin, developmentInstance: true })(NONCE);
    expect(directives(policy)).toEqual({
      ...COMMON,
      "script-src": scriptSrc(frontendApiOrigin),
      "connect-src": `'self' ${frontendApiOrigin} https://*.protect.clerk.com:* https://clerk-telemetry.com`,
    });
  });

  it("for a production instance allows its Frontend API on clerk.<domain> and Clerk's protection, no telemetry", () => {
    const frontendApiOrigin = "https://clerk.example.com";
    const policy = pagePolicyFor({ frontendApiOrigin, developmentInstance: false })(NONCE);
    expect(directives(policy)).toEqual({
      ...COMMON,
      "script-src": scriptSrc(frontendApiOrigin),
      "connect-src": `'self' ${frontendApiOrigin} https://*.protect.clerk.com:*`,
    });
  });
});
