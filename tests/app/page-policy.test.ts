import { describe, expect, it } from "vitest";
import { pagePolicyFor } from "../../server/security-headers";

// The pages' Content-Security-Policy for each way the app meets Clerk, in full: what Clerk's CSP
// guide lists and what clerk-js 5.128 loads and calls, and nothing more.

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
  "frame-src": "'self' https://challenges.cloudflare.com",
  "frame-ancestors": "'none'",
  "base-uri": "'self'",
  "form-action": "'self'",
  "object-src": "'none'",
};

describe("the page policy", () => {
  it("behind the app's Frontend API proxy (the offline emulator) names no Clerk host to call", () => {
    const policy = pagePolicyFor({ developmentInstance: false })(NONCE);
    expect(directives(policy)).toEqual({
      ...COMMON,
      "script-src": `'self' https://challenges.cloudflare.com 'nonce-${NONCE}' 'strict-dynamic'`,
      "connect-src": "'self'",
    });
  });

  it("with development keys allows the Frontend API and clerk-js's telemetry", () => {
    const frontendApiOrigin = "https://happy-otter-12.clerk.accounts.dev";
    const policy = pagePolicyFor({ frontendApiOrigin, developmentInstance: true })(NONCE);
    expect(directives(policy)).toEqual({
      ...COMMON,
      "script-src": `'self' ${frontendApiOrigin} https://challenges.cloudflare.com 'nonce-${NONCE}' 'strict-dynamic'`,
      "connect-src": `'self' ${frontendApiOrigin} https://clerk-telemetry.com`,
    });
  });

  it("with production keys allows the Frontend API on clerk.<domain>, and no telemetry", () => {
    const frontendApiOrigin = "https://clerk.example.com";
    const policy = pagePolicyFor({ frontendApiOrigin, developmentInstance: false })(NONCE);
    expect(directives(policy)).toEqual({
      ...COMMON,
      "script-src": `'self' ${frontendApiOrigin} https://challenges.cloudflare.com 'nonce-${NONCE}' 'strict-dynamic'`,
      "connect-src": `'self' ${frontendApiOrigin}`,
    });
  });
});
