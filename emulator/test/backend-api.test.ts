import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createResponseValidator,
  specMissingReason,
  specValidationTitle,
  validateEveryResponse,
} from "./support/clerk-openapi";
import { callBackendApi } from "../../support/backend-api";
import { startTestEmulator, type TestEmulator } from "./support/emulator";

const spec = validateEveryResponse();
let test: TestEmulator;
beforeAll(async () => {
  test = await startTestEmulator();
});
afterAll(() => test.stop());

const call = (method: string, path: string, options?: Parameters<typeof callBackendApi>[3]) =>
  callBackendApi(test.emulator, method, path, options);

async function verifiedClaims(jwt: string): Promise<JWTPayload> {
  const jwks = createRemoteJWKSet(new URL(`${test.emulator.apiUrl}/v1/jwks`), {
    headers: { Authorization: `Bearer ${test.emulator.secretKey}` },
  });
  return (await jwtVerify(jwt, jwks)).payload;
}

const clerkError = (code: string, message: string | RegExp = expect.any(String)) => ({
  errors: [{ code, message, long_message: expect.any(String), meta: expect.any(Object) }],
  clerk_trace_id: expect.stringMatching(/^[0-9a-f]{32}$/),
});

describe("authentication", () => {
  it.each([
    ["GET", "/v1/jwks"],
    ["POST", "/v1/sessions/sess_seed_alice/tokens"],
    ["POST", "/v1/sessions/sess_seed_alice/tokens/test"],
    ["GET", "/v1/sessions/sess_seed_alice"],
    ["GET", "/v1/users/user_seed_alice"],
    ["GET", "/v1/jwt_templates"],
  ])("%s %s needs the secret key", async (method, path) => {
    const missing = await call(method, path, { headers: {} });
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual(clerkError("authentication_invalid", "Invalid authentication"));

    const wrong = await call(method, path, { headers: { Authorization: "Bearer sk_live_not_the_key" } });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual(clerkError("clerk_key_invalid"));

    const basic = await call(method, path, { headers: { Authorization: `Basic ${test.emulator.secretKey}` } });
    expect(basic.status).toBe(401);
  });
});

describe("GET /v1/jwks", () => {
  it("publishes the instance public key, and nothing private", async () => {
    const { status, body, headers } = await call("GET", "/v1/jwks");
    expect(status).toBe(200);
    expect(headers.get("Content-Type")).toBe("application/json");
    const { kty, n, e, kid } = test.emulator.privateJwk;
    expect(body).toEqual({ keys: [{ kty, n, e, kid, alg: "RS256", use: "sig" }] });
  });
});

describe("POST /v1/sessions/{id}/tokens", () => {
  it.each([
    ["no body", {}],
    ["an empty body", { rawBody: "" }],
    ["{}", { body: {} }],
    ['{"expires_in_seconds": null}', { body: { expires_in_seconds: null } }],
  ])("mints a 60-second session token with %s", async (_, options) => {
    const { status, body, headers } = await call("POST", "/v1/sessions/sess_seed_alice/tokens", options);
    expect(status).toBe(200);
    expect(headers.get("Content-Type")).toBe("application/json");
    expect(body).toEqual({ object: "token", jwt: expect.any(String) });
    expect(decodeProtectedHeader(body.jwt)).toEqual({
      alg: "RS256",
      kid: test.emulator.privateJwk.kid,
      typ: "JWT",
      cat: "cl_B7d4PD111AAA",
    });
    const claims = await verifiedClaims(body.jwt);
    expect(claims).toMatchObject({
      sid: "sess_seed_alice",
      sub: "user_seed_alice",
      v: 2,
      iss: `https://${test.emulator.frontendApiHost}`,
    });
    expect(claims.exp! - claims.iat!).toBe(60);
  });

  it("honours expires_in_seconds", async () => {
    const { body } = await call("POST", "/v1/sessions/sess_seed_alice/tokens", { body: { expires_in_seconds: 120 } });
    const claims = await verifiedClaims(body.jwt);
    expect(claims.exp! - claims.iat!).toBe(120);
  });

  it.each([
    [29, "form_param_value_invalid"],
    [315360001, "form_param_value_invalid"],
    [60.5, "form_param_format_invalid"],
    ["60", "form_param_format_invalid"],
  ])("answers 422 for expires_in_seconds %j", async (value, code) => {
    for (const path of ["/v1/sessions/sess_seed_alice/tokens", "/v1/sessions/sess_seed_alice/tokens/test"]) {
      const { status, body } = await call("POST", path, { body: { expires_in_seconds: value } });
      expect(status).toBe(422);
      expect(body).toEqual(clerkError(code, "is invalid"));
      expect(body.errors[0]).toMatchObject({
        long_message: expect.stringContaining("expires_in_seconds"),
        meta: { param_name: "expires_in_seconds" },
      });
    }
  });

  it("answers 400 for a body that is not a JSON object", async () => {
    for (const rawBody of ["{not json", "[]", "42"]) {
      const { status, body } = await call("POST", "/v1/sessions/sess_seed_alice/tokens", { rawBody });
      expect(status).toBe(400);
      expect(body).toEqual(clerkError("request_body_invalid"));
    }
  });

  it("answers 404 for an unknown session", async () => {
    const { status, body } = await call("POST", "/v1/sessions/sess_nobody/tokens");
    expect(status).toBe(404);
    expect(body).toEqual(clerkError("resource_not_found", "No session exists with id: sess_nobody"));
  });
});

describe("POST /v1/sessions/{id}/tokens/{template}", () => {
  it("mints the `test` template: default claims plus the template's", async () => {
    const { status, body } = await call("POST", "/v1/sessions/sess_seed_alice/tokens/test");
    expect(status).toBe(200);
    const claims = await verifiedClaims(body.jwt);
    expect(claims).toEqual({
      aud: "remix-clerk-tokens",
      email: "alice@example.com",
      azp: `https://${test.emulator.frontendApiHost}`,
      iss: `https://${test.emulator.frontendApiHost}`,
      sub: "user_seed_alice",
      iat: expect.any(Number),
      nbf: claims.iat! - 5,
      exp: claims.iat! + 60,
      jti: expect.any(String),
    });
  });

  it("renders the `profile` template for Bob with his own data and the fallbacks", async () => {
    const { body } = await call("POST", "/v1/sessions/sess_seed_bob/tokens/profile", {
      body: { expires_in_seconds: 600 },
    });
    const claims = await verifiedClaims(body.jwt);
    expect(claims).toMatchObject({
      sub: "user_seed_bob",
      name: "Bob Brown",
      greeting: "Hello, Bob!",
      email: "bob@example.com",
      email_verified: true,
      role: "member",
      plan: "free",
      home_address: null,
      theme: "light",
      metadata: { plan: "free" },
      member_since: Date.parse("2024-03-02T14:00:00Z") / 1000,
      app: { name: "remix-clerk-tokens", scopes: ["tokens:read"] },
    });
    expect(claims.exp! - claims.iat!).toBe(600);
    expect(claims.iat! - claims.nbf!).toBe(10);
  });

  it("signs `partner-hs256` with the template's own HS256 secret", async () => {
    const { body } = await call("POST", "/v1/sessions/sess_seed_alice/tokens/partner-hs256");
    expect(decodeProtectedHeader(body.jwt)).toEqual({ alg: "HS256", typ: "JWT", cat: "cl_B7d4PD222AAA" });
    const secret = new TextEncoder().encode("partner-shared-secret-for-the-emulator-only-0123456789");
    const { payload } = await jwtVerify(body.jwt, secret, { audience: "partner.example" });
    expect(payload).toMatchObject({ user_id: "user_seed_alice", email: "alice@example.com" });
    expect(payload.exp! - payload.iat!).toBe(120);
  });

  it("answers 404 with Clerk's message for an unknown template", async () => {
    const { status, body } = await call("POST", "/v1/sessions/sess_seed_alice/tokens/nope");
    expect(status).toBe(404);
    expect(body).toEqual(clerkError("resource_not_found", "No JWT template exists with name: nope"));
  });
});

describe("sessions", () => {
  it("GET /v1/sessions/{id} returns the Session object", async () => {
    const { status, body } = await call("GET", "/v1/sessions/sess_seed_alice");
    expect(status).toBe(200);
    expect(body).toMatchObject({
      object: "session",
      id: "sess_seed_alice",
      user_id: "user_seed_alice",
      client_id: "client_seed_alice",
      status: "active",
      actor: null,
    });
    expect(body.expire_at).toBeGreaterThan(Date.now());
    expect((await call("GET", "/v1/sessions/sess_nobody")).status).toBe(404);
  });

  it("a revoked session is kept but mints no more tokens", async () => {
    const before = await call("POST", "/v1/sessions/sess_seed_bob/tokens/test");
    expect(before.status).toBe(200);

    const revoked = await call("POST", "/v1/sessions/sess_seed_bob/revoke");
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ object: "session", id: "sess_seed_bob", status: "revoked" });
    expect((await call("GET", "/v1/sessions/sess_seed_bob")).body.status).toBe("revoked");

    for (const path of ["/v1/sessions/sess_seed_bob/tokens", "/v1/sessions/sess_seed_bob/tokens/test"]) {
      const { status, body } = await call("POST", path);
      expect(status).toBe(404);
      expect(body).toEqual(clerkError("resource_not_found", "No active session exists with id: sess_seed_bob"));
      expect(body.errors[0].long_message).toMatch(/revoked, not active/);
    }
    expect((await call("POST", "/v1/sessions/sess_nobody/revoke")).status).toBe(404);
  });
});

describe("GET /v1/users/{id}", () => {
  it("returns the User object without the password", async () => {
    const { status, body } = await call("GET", "/v1/users/user_seed_alice");
    expect(status).toBe(200);
    expect(body).toMatchObject({
      object: "user",
      id: "user_seed_alice",
      username: "alice",
      first_name: "Alice",
      last_name: "Anderson",
      password_enabled: true,
      public_metadata: { role: "admin", plan: "pro", addresses: { Home: "1 Main Street, Springfield" } },
      unsafe_metadata: { theme: "dark" },
      private_metadata: expect.any(Object),
      email_addresses: [
        {
          object: "email_address",
          id: body.primary_email_address_id,
          email_address: "alice@example.com",
          verification: { status: "verified", strategy: "email_code" },
        },
      ],
      created_at: Date.parse("2024-01-15T09:30:00Z"),
    });
    expect(JSON.stringify(body)).not.toContain("alice-password-1");
    expect(body).not.toHaveProperty("password");
  });

  it("answers 404 for an unknown user", async () => {
    const { status, body } = await call("GET", "/v1/users/user_nobody");
    expect(status).toBe(404);
    expect(body).toEqual(clerkError("resource_not_found", "No user exists with id: user_nobody"));
  });
});

describe("JWT templates", () => {
  it("lists the seeded templates as an array, or paginated on request", async () => {
    const list = await call("GET", "/v1/jwt_templates");
    expect(list.status).toBe(200);
    expect(list.body.map((template: { name: string }) => template.name)).toEqual(
      expect.arrayContaining(["test", "profile", "partner-hs256"]),
    );
    const partner = list.body.find((template: { name: string }) => template.name === "partner-hs256");
    expect(partner).toMatchObject({
      object: "jwt_template",
      id: "jtmp_seed_partner_hs256",
      custom_signing_key: true,
      signing_algorithm: "HS256",
    });
    expect(JSON.stringify(list.body)).not.toContain("partner-shared-secret");

    const page = await call("GET", "/v1/jwt_templates?paginated=true&limit=1&offset=1");
    expect(page.body).toEqual({ data: [expect.objectContaining({ name: "profile" })], total_count: list.body.length });
    expect((await call("GET", "/v1/jwt_templates?limit=0")).status).toBe(422);
  });

  it("creates, reads, mints, updates and deletes a template", async () => {
    const created = await call("POST", "/v1/jwt_templates", {
      body: { name: "crud", claims: { aud: "crud", who: "{{user.first_name}}" }, lifetime: 90, allowed_clock_skew: 0 },
    });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      object: "jwt_template",
      id: expect.stringMatching(/^jtmp_/),
      name: "crud",
      claims: { aud: "crud", who: "{{user.first_name}}" },
      lifetime: 90,
      allowed_clock_skew: 0,
      custom_signing_key: false,
      signing_algorithm: "RS256",
      created_at: expect.any(Number),
      updated_at: expect.any(Number),
    });
    const id = created.body.id;
    expect((await call("GET", `/v1/jwt_templates/${id}`)).body).toEqual(created.body);

    const minted = await call("POST", "/v1/sessions/sess_seed_alice/tokens/crud");
    const claims = await verifiedClaims(minted.body.jwt);
    expect(claims).toMatchObject({ aud: "crud", who: "Alice" });
    expect([claims.exp! - claims.iat!, claims.iat! - claims.nbf!]).toEqual([90, 0]);

    const updated = await call("PATCH", `/v1/jwt_templates/${id}`, {
      body: { name: "crud-renamed", claims: { v2: true }, lifetime: null },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      id,
      name: "crud-renamed",
      claims: { v2: true },
      lifetime: 60,
      allowed_clock_skew: 0,
    });
    expect((await call("POST", "/v1/sessions/sess_seed_alice/tokens/crud")).status).toBe(404);

    const deleted = await call("DELETE", `/v1/jwt_templates/${id}`);
    expect(deleted).toMatchObject({ status: 200, body: { object: "jwt_template", id, deleted: true } });
    expect((await call("GET", `/v1/jwt_templates/${id}`)).status).toBe(404);
    expect((await call("DELETE", `/v1/jwt_templates/${id}`)).status).toBe(404);
    expect((await call("PATCH", `/v1/jwt_templates/${id}`, { body: { name: "x", claims: {} } })).status).toBe(404);
    expect((await call("POST", "/v1/sessions/sess_seed_alice/tokens/crud-renamed")).status).toBe(404);
  });

  it("keeps a custom signing key secret and signs with it", async () => {
    const secret = "custom-secret-for-this-test-0123456789abcdef";
    const created = await call("POST", "/v1/jwt_templates", {
      body: {
        name: "custom-hs512",
        claims: {},
        custom_signing_key: true,
        signing_algorithm: "HS512",
        signing_key: secret,
      },
    });
    expect(created.body).toMatchObject({ custom_signing_key: true, signing_algorithm: "HS512" });
    expect(JSON.stringify(created.body)).not.toContain(secret);

    const minted = await call("POST", "/v1/sessions/sess_seed_alice/tokens/custom-hs512");
    await expect(jwtVerify(minted.body.jwt, new TextEncoder().encode(secret))).resolves.toBeDefined();

    const reset = await call("PATCH", `/v1/jwt_templates/${created.body.id}`, {
      body: { name: "custom-hs512", claims: {}, custom_signing_key: false },
    });
    expect(reset.body).toMatchObject({ custom_signing_key: false, signing_algorithm: "RS256" });
    const instanceSigned = await call("POST", "/v1/sessions/sess_seed_alice/tokens/custom-hs512");
    await expect(verifiedClaims(instanceSigned.body.jwt)).resolves.toMatchObject({ sub: "user_seed_alice" });
  });

  it.each([
    ["a taken name", { name: "test", claims: {} }, "duplicate_record", "name"],
    ["no name", { claims: {} }, "form_param_missing", "name"],
    ["an empty name", { name: " ", claims: {} }, "form_param_value_invalid", "name"],
    ["claims that are not an object", { name: "bad-claims", claims: "nope" }, "form_param_format_invalid", "claims"],
    [
      "a malformed shortcode",
      { name: "bad-shortcode", claims: { a: "{{ user.id || }}" } },
      "form_param_value_invalid",
      "claims",
    ],
    ["a lifetime under 30", { name: "short", claims: {}, lifetime: 29 }, "form_param_value_invalid", "lifetime"],
    [
      "a lifetime over 315360000",
      { name: "long", claims: {}, lifetime: 315360001 },
      "form_param_value_invalid",
      "lifetime",
    ],
    [
      "a clock skew over 300",
      { name: "skew", claims: {}, allowed_clock_skew: 301 },
      "form_param_value_invalid",
      "allowed_clock_skew",
    ],
    [
      "a custom key without its key",
      { name: "no-key", claims: {}, custom_signing_key: true, signing_algorithm: "HS256" },
      "form_param_value_invalid",
      "signing_key",
    ],
    [
      "an unknown algorithm",
      { name: "alg", claims: {}, custom_signing_key: true, signing_algorithm: "none", signing_key: "x" },
      "form_param_value_invalid",
      "signing_algorithm",
    ],
    [
      "an RSA key that is not a PEM",
      { name: "pem", claims: {}, custom_signing_key: true, signing_algorithm: "RS256", signing_key: "x" },
      "form_param_value_invalid",
      "signing_key",
    ],
  ])("refuses to create a template with %s (422)", async (_, body, code, paramName) => {
    const { status, body: error } = await call("POST", "/v1/jwt_templates", { body });
    expect(status).toBe(422);
    expect(error).toEqual(clerkError(code));
    expect(error.errors[0].meta).toEqual({ param_name: paramName });
  });

  it("refuses to rename a template onto another's name", async () => {
    const { status, body } = await call("PATCH", "/v1/jwt_templates/jtmp_seed_profile", {
      body: { name: "test", claims: {} },
    });
    expect(status).toBe(422);
    expect(body).toEqual(clerkError("duplicate_record"));
  });
});

describe("unknown routes", () => {
  it.each([
    ["GET", "/v1/nothing-here", true],
    ["GET", "/", false],
    ["DELETE", "/v1/users/user_seed_alice", true],
  ])("%s %s answers 404 in Clerk's error shape", async (method, path, authenticated) => {
    const headers = authenticated ? undefined : {};
    const { status, body } = await call(method, path, { headers });
    expect(status).toBe(404);
    expect(body).toEqual(clerkError("resource_not_found"));
  });
});

describe.skipIf(specMissingReason !== undefined)(specValidationTitle, () => {
  it("checked every response the tests above received", () => {
    expect(spec.checkedCount()).toBeGreaterThan(50);
  });

  it("would notice a response that breaks the description", async () => {
    const validator = await createResponseValidator();
    const url = new URL(`${test.emulator.apiUrl}/v1/sessions/sess_x/tokens/test`);
    const ok = { status: 200, contentType: "application/json", body: { object: "token", jwt: "x" } };
    expect(validator.check("POST", url, ok)).toEqual([]);
    expect(validator.check("POST", url, { ...ok, body: { object: "token", jwt: 5 } })).toHaveLength(1);
    expect(validator.check("POST", url, { ...ok, contentType: "application/json; charset=utf-8" })).toHaveLength(1);
    expect(validator.check("POST", url, { ...ok, status: 404, body: { errors: [{ code: "x" }] } })).not.toEqual([]);
    expect(validator.check("POST", url, { ...ok, status: 422, body: { errors: "nope" } })).not.toEqual([]);
  });
});
