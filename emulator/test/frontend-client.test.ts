import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { specMissingReason, specValidationTitle, validateEveryResponse } from "./support/clerk-openapi";
import { startTestEmulator, type TestEmulator } from "./support/emulator";
import { APP_ORIGIN, Browser, setCookieNamed } from "./support/frontend-api";

// What clerk-js loads first: the instance's environment and the browser's client.

const spec = validateEveryResponse();
let test: TestEmulator;
let suffix: string;
beforeAll(async () => {
  test = await startTestEmulator();
  suffix = createHash("sha1").update(test.emulator.publishableKey).digest("base64url").slice(0, 8);
});
afterAll(() => test.stop());

describe("GET /v1/environment", () => {
  it("describes a production instance with email + password sign-in and email-code sign-up", async () => {
    const { status, body, headers } = await new Browser(test.emulator).call("GET", "/v1/environment");
    expect(status).toBe(200);
    expect(headers.get("Content-Type")).toBe("application/json");
    expect(body.display_config).toMatchObject({
      instance_environment_type: "production",
      preferred_sign_in_strategy: "password",
      captcha_public_key: null,
      // From the Clerk-Proxy-Url the app's proxy adds.
      home_url: APP_ORIGIN,
      sign_in_url: `${APP_ORIGIN}/sign-in`,
      sign_up_url: `${APP_ORIGIN}/sign-up`,
    });
    expect(body.auth_config).toMatchObject({ single_session_mode: true, test_mode: true });
    expect(body.partitioned_cookies).toBe(false);
    const { attributes, sign_up } = body.user_settings;
    expect(attributes.email_address).toMatchObject({
      enabled: true,
      required: true,
      used_for_first_factor: true,
      verifications: ["email_code"],
      verify_at_sign_up: true,
    });
    expect(attributes.password).toMatchObject({ enabled: true, required: true });
    expect(Object.keys(attributes).filter((name) => attributes[name].enabled)).toEqual(["email_address", "password"]);
    expect(sign_up).toMatchObject({ captcha_enabled: false, mode: "public" });
  });

  it("falls back to its own origin without the proxy's header", async () => {
    const response = await fetch(`${test.emulator.url}/v1/environment`);
    expect((await response.json()).display_config.home_url).toBe(test.emulator.url);
  });
});

describe("GET /v1/client", () => {
  it("is null for a browser without a client, and says so in __client_uat", async () => {
    const { status, body, setCookies } = await new Browser(test.emulator).call("GET", "/v1/client");
    expect(status).toBe(200);
    expect(body).toEqual({ response: null, client: null });
    expect(setCookies).toEqual([
      "__client_uat=0; Path=/; Max-Age=315360000; SameSite=Lax",
      `__client_uat_${suffix}=0; Path=/; Max-Age=315360000; SameSite=Lax`,
    ]);
  });

  it("is null for a __client cookie it does not know (e.g. from before a restart)", async () => {
    const browser = new Browser(test.emulator);
    browser.cookies.set("__client", "not-a-client");
    expect((await browser.call("GET", "/v1/client")).body).toEqual({ response: null, client: null });
  });

  it("is the signed-in client, with a fresh session token for each session", async () => {
    const browser = new Browser(test.emulator);
    const { sessionId } = await browser.signIn("alice@example.com", "alice-password-1");
    const { body, setCookies } = await browser.call("GET", "/v1/client");
    expect(body.client).toBeNull();
    expect(body.response).toMatchObject({
      object: "client",
      last_active_session_id: sessionId,
      sign_in: null,
      sign_up: null,
      cookie_expires_at: null,
      sessions: [
        {
          id: sessionId,
          status: "active",
          last_active_token: { object: "token", jwt: expect.any(String) },
          user: { id: "user_seed_alice", email_addresses: [{ email_address: "alice@example.com" }] },
          public_user_data: { identifier: "alice@example.com", user_id: "user_seed_alice" },
        },
      ],
    });
    const uat = String(Math.floor(body.response.updated_at / 1000));
    expect(setCookieNamed(setCookies, "__client_uat")).toBe(
      `__client_uat=${uat}; Path=/; Max-Age=315360000; SameSite=Lax`,
    );
    expect(setCookieNamed(setCookies, `__client_uat_${suffix}`)).toContain(`=${uat};`);
    // Never anything a browser must not see.
    expect(JSON.stringify(body)).not.toMatch(/password_digest|scrypt|private_metadata|support_notes/);
  });
});

describe("unknown Frontend API routes", () => {
  it.each([
    ["GET", "/v1/client/nothing"],
    ["POST", "/v1/me"],
    ["DELETE", "/v1/client"],
  ] as const)("%s %s answers 404 in Clerk's error shape", async (method, path) => {
    const { status, body } = await new Browser(test.emulator).call(method, path);
    expect(status).toBe(404);
    expect(body).toMatchObject({ errors: [{ code: "resource_not_found" }] });
  });
});

describe.skipIf(specMissingReason !== undefined)(specValidationTitle, () => {
  it("checked every response the tests above received", () => {
    expect(spec.checkedCount()).toBeGreaterThanOrEqual(10);
  });
});
