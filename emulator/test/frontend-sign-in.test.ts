import { verifyToken } from "@clerk/backend";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { specMissingReason, specValidationTitle, validateEveryResponse } from "./support/clerk-openapi";
import { callBackendApi } from "../../support/backend-api";
import { startTestEmulator, type TestEmulator } from "./support/emulator";
import { APP_ORIGIN, Browser, claimsOf, setCookieNamed } from "./support/frontend-api";

// Password sign-in as <SignIn/> drives it: POST /v1/client/sign_ins, then attempt_first_factor.

const spec = validateEveryResponse();
let test: TestEmulator;
beforeAll(async () => {
  test = await startTestEmulator();
});
afterAll(() => test.stop());

const browser = () => new Browser(test.emulator);

describe("POST /v1/client/sign_ins", () => {
  it("creates a client and a sign-in that needs the password", async () => {
    const alice = browser();
    const { status, body, setCookies } = await alice.call("POST", "/v1/client/sign_ins", {
      locale: "en-US",
      identifier: "alice@example.com",
    });
    expect(status).toBe(200);
    expect(body.response).toMatchObject({
      object: "sign_in_attempt",
      status: "needs_first_factor",
      identifier: "alice@example.com",
      supported_first_factors: [{ strategy: "password" }],
      user_data: { first_name: "Alice", last_name: "Anderson" },
      created_session_id: null,
    });
    // The envelope's client carries the sign-in in progress: clerk-js's factor-one page reads it there.
    expect(body.client).toMatchObject({ sign_in: body.response, sessions: [], last_active_session_id: null });
    expect(setCookieNamed(setCookies, "__client")).toMatch(
      /^__client=[\w-]{20,}; Path=\/; Max-Age=315360000; HttpOnly; SameSite=Lax$/,
    );
    expect(setCookieNamed(setCookies, "__client_uat")).toBe("__client_uat=0; Path=/; Max-Age=315360000; SameSite=Lax");
    // The cookie is an opaque secret, not the client's id.
    expect(alice.cookies.get("__client")).not.toBe(body.client.id);
  });

  it("finds the account whatever the case of the email address", async () => {
    const { status } = await browser().call("POST", "/v1/client/sign_ins", { identifier: " Alice@Example.COM " });
    expect(status).toBe(200);
  });

  it("answers form_identifier_not_found for an unknown email address, and creates nothing", async () => {
    const stranger = browser();
    const { status, body, setCookies } = await stranger.call("POST", "/v1/client/sign_ins", {
      locale: "en-US",
      identifier: "nobody@example.com",
    });
    expect(status).toBe(422);
    expect(body).toEqual({
      errors: [
        {
          code: "form_identifier_not_found",
          message: "Couldn't find your account.",
          long_message: "Couldn't find your account.",
          meta: { param_name: "identifier" },
        },
      ],
      clerk_trace_id: expect.any(String),
    });
    expect(setCookies).toEqual([]);
  });

  it("answers form_param_missing without an identifier", async () => {
    const { status, body } = await browser().call("POST", "/v1/client/sign_ins", { locale: "en-US" });
    expect(status).toBe(422);
    expect(body.errors[0]).toMatchObject({ code: "form_param_missing", meta: { param_name: "identifier" } });
  });

  it("signs in at once when the browser autofilled the password", async () => {
    const { status, body } = await browser().call("POST", "/v1/client/sign_ins", {
      locale: "en-US",
      identifier: "bob@example.com",
      password: "bob-password-1",
      strategy: "password",
    });
    expect(status).toBe(200);
    expect(body.response).toMatchObject({ status: "complete", created_session_id: expect.stringMatching(/^sess_/) });
  });

  it("answers form_password_incorrect to a wrong autofilled password, and creates nothing", async () => {
    const { status, body, setCookies } = await browser().call("POST", "/v1/client/sign_ins", {
      identifier: "bob@example.com",
      password: "not-bobs",
      strategy: "password",
    });
    expect(status).toBe(422);
    expect(body.errors[0]).toMatchObject({ code: "form_password_incorrect", meta: { param_name: "password" } });
    expect(setCookies).toEqual([]);
  });

  it("answers session_exists to a browser that is already signed in", async () => {
    const alice = browser();
    await alice.signIn("alice@example.com", "alice-password-1");
    const { status, body } = await alice.call("POST", "/v1/client/sign_ins", { identifier: "bob@example.com" });
    expect(status).toBe(400);
    expect(body.errors[0]).toMatchObject({ code: "session_exists" });
  });
});

describe("POST /v1/client/sign_ins/{id}/attempt_first_factor", () => {
  it("answers form_password_incorrect to a wrong password, changing nothing", async () => {
    const alice = browser();
    const created = await alice.call("POST", "/v1/client/sign_ins", { identifier: "alice@example.com" });
    const before = await alice.clientState();
    const { status, body, setCookies } = await alice.call(
      "POST",
      `/v1/client/sign_ins/${created.body.response.id}/attempt_first_factor`,
      { strategy: "password", password: "wrong-password" },
    );
    expect(status).toBe(422);
    expect(body.errors[0]).toEqual({
      code: "form_password_incorrect",
      message: "Password is incorrect. Try again, or use another method.",
      long_message: "Password is incorrect. Try again, or use another method.",
      meta: { param_name: "password" },
    });
    expect(setCookies).toEqual([]);
    expect(await alice.clientState()).toEqual(before);
  });

  it("completes the sign-in with the right password: a session, its token and __client_uat", async () => {
    const alice = browser();
    const signedIn = await alice.signIn("alice@example.com", "alice-password-1");
    const { response, client } = signedIn.body;
    expect(response).toMatchObject({
      status: "complete",
      created_session_id: signedIn.sessionId,
      first_factor_verification: { object: "verification_password", status: "verified", strategy: "password" },
    });
    expect(client).toMatchObject({
      sign_in: null,
      last_active_session_id: signedIn.sessionId,
      sessions: [{ id: signedIn.sessionId, status: "active", user: { id: "user_seed_alice" } }],
    });

    const uat = Math.floor(client.updated_at / 1000);
    expect(setCookieNamed(signedIn.setCookies, "__client_uat")).toBe(
      `__client_uat=${uat}; Path=/; Max-Age=315360000; SameSite=Lax`,
    );
    const jwt = client.sessions[0].last_active_token.jwt;
    const claims = claimsOf(jwt);
    // The app's server refuses (handshakes) a token issued before __client_uat.
    expect(claims.iat).toBeGreaterThanOrEqual(uat);
    expect(claims).toMatchObject({
      sid: signedIn.sessionId,
      sub: "user_seed_alice",
      azp: APP_ORIGIN,
      iss: `https://${test.emulator.frontendApiHost}`,
      v: 2,
    });
    await expect(verifyToken(jwt, { jwtKey: test.emulator.jwtKey })).resolves.toMatchObject({
      sid: signedIn.sessionId,
    });
  });

  it("gives the new session template tokens through the Backend API at once", async () => {
    const { sessionId } = await browser().signIn("bob@example.com", "bob-password-1");
    const { status, body } = await callBackendApi(test.emulator, "POST", `/v1/sessions/${sessionId}/tokens/profile`);
    expect(status).toBe(200);
    expect(claimsOf(body.jwt)).toMatchObject({
      sub: "user_seed_bob",
      name: "Bob Brown",
      plan: "free",
      azp: APP_ORIGIN,
    });
  });

  it("answers 404 for another browser's sign-in", async () => {
    const created = await browser().call("POST", "/v1/client/sign_ins", { identifier: "alice@example.com" });
    const { status, body } = await browser().call(
      "POST",
      `/v1/client/sign_ins/${created.body.response.id}/attempt_first_factor`,
      { strategy: "password", password: "alice-password-1" },
    );
    expect(status).toBe(404);
    expect(body.errors[0]).toMatchObject({ code: "resource_not_found" });
  });

  it("refuses strategies other than password, and a completed sign-in", async () => {
    const alice = browser();
    const created = await alice.call("POST", "/v1/client/sign_ins", { identifier: "alice@example.com" });
    const attempt = `/v1/client/sign_ins/${created.body.response.id}/attempt_first_factor`;
    const emailCode = await alice.call("POST", attempt, { strategy: "email_code", code: "424242" });
    expect(emailCode.status).toBe(422);
    expect(emailCode.body.errors[0]).toMatchObject({ code: "strategy_for_user_invalid" });

    await alice.call("POST", attempt, { strategy: "password", password: "alice-password-1" });
    const again = await alice.call("POST", attempt, { strategy: "password", password: "alice-password-1" });
    expect(again.status).toBe(400);
    expect((await alice.clientState()).sessions).toHaveLength(1);
  });
});

describe("GET /v1/client/sign_ins/{id}", () => {
  it("returns the browser's sign-in in the envelope", async () => {
    const alice = browser();
    const created = await alice.call("POST", "/v1/client/sign_ins", { identifier: "alice@example.com" });
    const { status, body } = await alice.call("GET", `/v1/client/sign_ins/${created.body.response.id}`);
    expect(status).toBe(200);
    expect(body.response).toEqual(created.body.response);
  });
});

describe.skipIf(specMissingReason !== undefined)(specValidationTitle, () => {
  it("checked every response the tests above received", () => {
    expect(spec.checkedCount()).toBeGreaterThanOrEqual(25);
  });
});
