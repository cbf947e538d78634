import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { specMissingReason, specValidationTitle, validateEveryResponse } from "./support/clerk-openapi";
import { callBackendApi } from "../../support/backend-api";
import { startTestEmulator, type TestEmulator } from "./support/emulator";
import { Browser, claimsOf, setCookieNamed } from "./support/frontend-api";

// Email + password sign-up as <SignUp/> drives it: create, prepare the email code, attempt it.

const spec = validateEveryResponse();
let test: TestEmulator;
beforeAll(async () => {
  test = await startTestEmulator();
});
afterAll(() => test.stop());

let emails = 0;
const newEmail = () => `new-user-${++emails}@example.com`;
const browser = () => new Browser(test.emulator);

async function createSignUp(who: Browser, form: Record<string, string>) {
  const created = await who.call("POST", "/v1/client/sign_ups", { ...form, locale: "en-US" });
  expect(created.status).toBe(200);
  return { id: created.body.response.id as string, created };
}

describe("POST /v1/client/sign_ups", () => {
  it("creates a sign-up whose email address needs a code", async () => {
    const carol = browser();
    const email = newEmail();
    const { created } = await createSignUp(carol, { email_address: email, password: "carol-password-1" });
    expect(created.body.response).toMatchObject({
      object: "sign_up_attempt",
      status: "missing_requirements",
      email_address: email,
      password_enabled: true,
      required_fields: ["email_address", "password"],
      missing_fields: [],
      unverified_fields: ["email_address"],
      verifications: { email_address: { status: "unverified", strategy: "email_code", next_action: "needs_prepare" } },
    });
    expect(created.body.client).toMatchObject({ sign_up: created.body.response, sessions: [] });
    expect(setCookieNamed(created.setCookies, "__client")).toContain("HttpOnly");
    expect(JSON.stringify(created.body)).not.toContain("carol-password-1");
  });

  it.each([
    [
      "an email address that is taken (any case)",
      { email_address: "Alice@Example.com", password: "another-password-1" },
      "form_identifier_exists",
      "email_address",
    ],
    [
      "a malformed email address",
      { email_address: "not-an-email", password: "long-enough-1" },
      "form_param_format_invalid",
      "email_address",
    ],
    [
      "a password under 8 characters",
      { email_address: "short@example.com", password: "short" },
      "form_password_length_too_short",
      "password",
    ],
    [
      "a password over 72 bytes",
      { email_address: "long@example.com", password: "é".repeat(37) },
      "form_password_size_in_bytes_exceeded",
      "password",
    ],
  ])("refuses %s, creating nothing", async (_, form, code, paramName) => {
    const { status, body, setCookies } = await browser().call("POST", "/v1/client/sign_ups", form);
    expect(status).toBe(422);
    expect(body.errors[0]).toMatchObject({ code, meta: { param_name: paramName } });
    expect(setCookies).toEqual([]);
  });

  it("says the address is taken in the words <SignUp/> shows", async () => {
    const { body } = await browser().call("POST", "/v1/client/sign_ups", {
      email_address: "alice@example.com",
      password: "another-password-1",
    });
    expect(body.errors[0].long_message).toBe("That email address is taken. Please try another.");
  });
});

describe("verifying the email address", () => {
  it("signs the new user up with Clerk's test code 424242, after a wrong code changed nothing", async () => {
    const dave = browser();
    const email = newEmail();
    const { id } = await createSignUp(dave, { email_address: email, password: "dave-password-1" });

    const prepared = await dave.call("POST", `/v1/client/sign_ups/${id}/prepare_verification`, {
      strategy: "email_code",
    });
    expect(prepared.status).toBe(200);
    expect(prepared.body.response.verifications.email_address).toMatchObject({
      next_action: "needs_attempt",
      attempts: 0,
      expire_at: expect.any(Number),
    });
    expect(prepared.body.response.verifications.email_address.expire_at).toBeGreaterThan(Date.now());

    const before = await dave.clientState();
    const wrong = await dave.call("POST", `/v1/client/sign_ups/${id}/attempt_verification`, {
      code: "111111",
      strategy: "email_code",
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors[0]).toEqual({
      code: "form_code_incorrect",
      message: "is incorrect",
      long_message: "Incorrect code",
      meta: { param_name: "code" },
    });
    expect(await dave.clientState()).toEqual(before);

    const right = await dave.call("POST", `/v1/client/sign_ups/${id}/attempt_verification`, {
      code: "424242",
      strategy: "email_code",
    });
    expect(right.status).toBe(200);
    const { response, client } = right.body;
    expect(response).toMatchObject({
      status: "complete",
      unverified_fields: [],
      created_user_id: expect.stringMatching(/^user_/),
      created_session_id: expect.stringMatching(/^sess_/),
      verifications: { email_address: { status: "verified", next_action: "" } },
    });
    expect(client).toMatchObject({
      sign_up: null,
      last_active_session_id: response.created_session_id,
      sessions: [
        {
          id: response.created_session_id,
          status: "active",
          user: { id: response.created_user_id, email_addresses: [{ email_address: email }], password_enabled: true },
        },
      ],
    });
    const uat = Math.floor(client.updated_at / 1000);
    expect(setCookieNamed(right.setCookies, "__client_uat")).toContain(`__client_uat=${uat};`);
    expect(claimsOf(client.sessions[0].last_active_token.jwt).iat).toBeGreaterThanOrEqual(uat);
  });

  it("gives the new user template tokens through the Backend API at once, and a password sign-in", async () => {
    const email = newEmail();
    const { sessionId, userId } = await browser().signUp(email, "erin-password-1");

    const { status, body } = await callBackendApi(test.emulator, "POST", `/v1/sessions/${sessionId}/tokens/test`);
    expect(status).toBe(200);
    expect(claimsOf(body.jwt)).toMatchObject({ sub: userId, email, aud: "remix-clerk-tokens" });
    const user = await callBackendApi(test.emulator, "GET", `/v1/users/${userId}`);
    expect(user.body).toMatchObject({ id: userId, email_addresses: [{ email_address: email }] });

    const signedIn = await browser().signIn(email, "erin-password-1");
    expect(signedIn.body.response.status).toBe("complete");
  });

  it("answers form_identifier_exists when the address was taken meanwhile, changing nothing", async () => {
    const email = newEmail();
    const first = browser();
    const second = browser();
    const { id } = await createSignUp(first, { email_address: email, password: "first-password-1" });
    await second.signUp(email, "second-password-1");

    const before = await first.clientState();
    const { status, body } = await first.call("POST", `/v1/client/sign_ups/${id}/attempt_verification`, {
      code: "424242",
      strategy: "email_code",
    });
    expect(status).toBe(422);
    expect(body.errors[0]).toMatchObject({ code: "form_identifier_exists" });
    expect(await first.clientState()).toEqual(before);
  });

  it("refuses strategies other than email_code, and another browser's sign-up", async () => {
    const frank = browser();
    const { id } = await createSignUp(frank, { email_address: newEmail(), password: "frank-password-1" });
    const link = await frank.call("POST", `/v1/client/sign_ups/${id}/prepare_verification`, { strategy: "email_link" });
    expect(link.status).toBe(422);
    expect(link.body.errors[0]).toMatchObject({ code: "form_param_value_invalid", meta: { param_name: "strategy" } });

    const stranger = await browser().call("POST", `/v1/client/sign_ups/${id}/attempt_verification`, {
      code: "424242",
      strategy: "email_code",
    });
    expect(stranger.status).toBe(404);
  });
});

describe("PATCH /v1/client/sign_ups/{id} (sent as POST with _method=PATCH)", () => {
  it("fills in a missing password, then the sign-up completes", async () => {
    const grace = browser();
    const { id, created } = await createSignUp(grace, { email_address: newEmail() });
    expect(created.body.response).toMatchObject({ missing_fields: ["password"], password_enabled: false });

    await grace.call("POST", `/v1/client/sign_ups/${id}/prepare_verification`, { strategy: "email_code" });
    const verified = await grace.call("POST", `/v1/client/sign_ups/${id}/attempt_verification`, {
      code: "424242",
      strategy: "email_code",
    });
    expect(verified.body.response).toMatchObject({ status: "missing_requirements", unverified_fields: [] });

    const patched = await grace.call("PATCH", `/v1/client/sign_ups/${id}`, { password: "grace-password-1" });
    expect(patched.status).toBe(200);
    expect(patched.body.response).toMatchObject({ status: "complete", missing_fields: [] });
    expect(test.logLines).toContainEqual(
      expect.stringMatching(new RegExp(`^PATCH /v1/client/sign_ups/${id} 200 \\d+ms$`)),
    );
  });
});

describe.skipIf(specMissingReason !== undefined)(specValidationTitle, () => {
  it("checked every response the tests above received", () => {
    expect(spec.checkedCount()).toBeGreaterThanOrEqual(30);
  });
});
