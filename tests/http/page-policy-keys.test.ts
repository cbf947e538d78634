import { afterAll, beforeAll, expect, it } from "vitest";
import { startAppServer, type AppServer } from "../../support/app-server";

/**
 * The page policy the server derives from made-up development keys without a proxy, as a
 * user's `.env` has them: clerk-js then calls the Frontend API, and sends telemetry.
 */

const FRONTEND_API = "happy-otter-12.clerk.accounts.dev";
let app: AppServer;

beforeAll(async () => {
  app = await startAppServer({
    CLERK_SECRET_KEY: "sk_test_made_up",
    CLERK_PUBLISHABLE_KEY: `pk_test_${Buffer.from(`${FRONTEND_API}$`).toString("base64")}`,
  });
});

afterAll(() => app?.stop());

it("allows the Frontend API, Turnstile, Clerk's protection hosts and clerk-js's telemetry on pages", async () => {
  const policy = (await fetch(`${app.url}/healthz`)).headers.get("content-security-policy")!;
  expect(policy).toMatch(
    new RegExp(
      `connect-src 'self' https://${FRONTEND_API} https://\\*\\.protect\\.clerk\\.com:\\* https://clerk-telemetry\\.com;`,
    ),
  );
  expect(policy).toMatch(
    /script-src [^;]*https:\/\/challenges\.cloudflare\.com https:\/\/\*\.protect\.clerk\.com [^;]*'strict-dynamic'/,
  );
  expect(policy).toContain("frame-src 'self' https://challenges.cloudflare.com https://*.protect.clerk.com;");
  expect(policy).toContain("img-src 'self' data: https://img.clerk.com");
  expect(policy).toContain("worker-src 'self' blob:");
  expect(policy).toContain("style-src 'self' 'unsafe-inline'");
});
