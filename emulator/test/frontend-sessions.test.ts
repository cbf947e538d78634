import { verifyToken } from "@clerk/backend";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { specMissingReason, specValidationTitle, validateEveryResponse } from "./support/clerk-openapi";
import { callBackendApi } from "../../support/backend-api";
import { startTestEmulator, type TestEmulator } from "./support/emulator";
import { APP_ORIGIN, Browser, claimsOf, setCookieNamed } from "./support/frontend-api";

// Session upkeep (tokens, touch) and sign-out, as clerk-js drives them once signed in.

const SESSION_TOKEN_LIFETIME_SECONDS = 7;

const spec = validateEveryResponse();
let test: TestEmulator;
beforeAll(async () => {
  test = await startTestEmulator({ sessionTokenLifetimeSeconds: SESSION_TOKEN_LIFETIME_SECONDS });
});
afterAll(() => test.stop());

async function signedInAlice() {
  const alice = new Browser(test.emulator);
  const { sessionId, body } = await alice.signIn("alice@example.com", "alice-password-1");
  return { alice, sessionId, uat: Math.floor(body.client.updated_at / 1000) };
}

const backendToken = (sessionId: string) =>
  callBackendApi(test.emulator, "POST", `/v1/sessions/${sessionId}/tokens/test`);

describe("POST /v1/client/sessions/{id}/tokens", () => {
  it("mints a session token, unwrapped, lasting the emulator's session token lifetime", async () => {
    const { alice, sessionId, uat } = await signedInAlice();
    const { status, body, headers } = await alice.call("POST", `/v1/client/sessions/${sessionId}/tokens`, {
      organization_id: "",
    });
    expect(status).toBe(200);
    expect(headers.get("Content-Type")).toBe("application/json");
    expect(body).toEqual({ object: "token", jwt: expect.any(String) });
    const claims = await verifyToken(body.jwt, { jwtKey: test.emulator.jwtKey });
    expect(claims).toMatchObject({ sid: sessionId, sub: "user_seed_alice", azp: APP_ORIGIN, v: 2 });
    expect(claims.exp - claims.iat).toBe(SESSION_TOKEN_LIFETIME_SECONDS);
    expect(claims.iat).toBeGreaterThanOrEqual(uat);
  });

  it("gives the same lifetime to the tokens in the client envelope", async () => {
    const { alice } = await signedInAlice();
    const { sessions } = (await alice.call("GET", "/v1/client")).body.response;
    const claims = claimsOf(sessions[0].last_active_token.jwt);
    expect(claims.exp - claims.iat).toBe(SESSION_TOKEN_LIFETIME_SECONDS);
  });

  it("answers signed_out (401) to a browser without a client, and 404 for another browser's session", async () => {
    const { sessionId } = await signedInAlice();
    const stranger = new Browser(test.emulator);
    const withoutClient = await stranger.call("POST", `/v1/client/sessions/${sessionId}/tokens`);
    expect(withoutClient.status).toBe(401);
    expect(withoutClient.body.errors[0]).toEqual({
      code: "signed_out",
      message: "Signed out",
      long_message: "You are signed out",
      meta: {},
    });

    await stranger.call("POST", "/v1/client/sign_ins", { identifier: "bob@example.com" });
    const otherClient = await stranger.call("POST", `/v1/client/sessions/${sessionId}/tokens`);
    expect(otherClient.status).toBe(404);
  });
});

describe("POST /v1/client/sessions/{id}/tokens/{template}", () => {
  it("mints a JWT template token for the session", async () => {
    const { alice, sessionId } = await signedInAlice();
    const { status, body } = await alice.call("POST", `/v1/client/sessions/${sessionId}/tokens/profile`);
    expect(status).toBe(200);
    expect(body).toEqual({ object: "token", jwt: expect.any(String) });
    const claims = claimsOf(body.jwt);
    expect(claims).toMatchObject({ sub: "user_seed_alice", name: "Alice Anderson", role: "admin", azp: APP_ORIGIN });
    expect(claims.exp - claims.iat).toBe(300);
    expect(claims).not.toHaveProperty("sid");
  });

  it("answers 404 for an unknown template", async () => {
    const { alice, sessionId } = await signedInAlice();
    const { status, body } = await alice.call("POST", `/v1/client/sessions/${sessionId}/tokens/nope`);
    expect(status).toBe(404);
    expect(body.errors[0]).toMatchObject({
      code: "resource_not_found",
      message: "No JWT template exists with name: nope",
    });
  });
});

describe("POST /v1/client/sessions/{id}/touch", () => {
  it("answers the session with a fresh token, and the client", async () => {
    const { alice, sessionId } = await signedInAlice();
    const { status, body } = await alice.call("POST", `/v1/client/sessions/${sessionId}/touch`, {
      active_organization_id: "",
      intent: "select_session",
    });
    expect(status).toBe(200);
    expect(body.response).toMatchObject({
      object: "session",
      id: sessionId,
      status: "active",
      last_active_token: { object: "token", jwt: expect.any(String) },
    });
    expect(body.client).toMatchObject({ last_active_session_id: sessionId });
  });
});

describe("signing out", () => {
  it("DELETE /v1/client/sessions (POST with _method=DELETE) ends every session, keeping __client", async () => {
    const { alice, sessionId } = await signedInAlice();
    const clientCookie = alice.cookies.get("__client");
    const { status, body, setCookies } = await alice.call("DELETE", "/v1/client/sessions");
    expect(status).toBe(200);
    expect(body.response).toMatchObject({ object: "client", sessions: [], last_active_session_id: null });
    expect(body.client).toEqual(body.response);
    expect(setCookieNamed(setCookies, "__client_uat")).toBe("__client_uat=0; Path=/; Max-Age=315360000; SameSite=Lax");
    expect(alice.cookies.get("__client")).toBe(clientCookie);
    expect(test.logLines).toContainEqual(expect.stringMatching(/^DELETE \/v1\/client\/sessions 200 \d+ms$/));

    const refresh = await alice.call("POST", `/v1/client/sessions/${sessionId}/tokens`);
    expect(refresh.status).toBe(401);
    expect(refresh.body.errors[0].code).toBe("signed_out");
    // The Backend API half sees the same store: no more tokens for that session.
    expect((await backendToken(sessionId)).status).toBe(404);
    expect((await alice.call("GET", "/v1/client")).body.response.sessions).toEqual([]);
  });

  it("DELETE /v1/client/sessions from a browser without a client answers a null client", async () => {
    const { status, body, setCookies } = await new Browser(test.emulator).call("DELETE", "/v1/client/sessions");
    expect(status).toBe(200);
    expect(body).toEqual({ response: null, client: null });
    expect(setCookieNamed(setCookies, "__client_uat")).toContain("__client_uat=0;");
  });

  it.each([
    ["end", "ended"],
    ["remove", "removed"],
  ])("POST /v1/client/sessions/{id}/%s marks the session %s", async (action, status) => {
    const { alice, sessionId } = await signedInAlice();
    expect((await backendToken(sessionId)).status).toBe(200);
    const ended = await alice.call("POST", `/v1/client/sessions/${sessionId}/${action}`);
    expect(ended.status).toBe(200);
    expect(ended.body.response).toMatchObject({ id: sessionId, status, last_active_token: null });
    expect(ended.body.client).toMatchObject({ sessions: [], last_active_session_id: null });
    expect(setCookieNamed(ended.setCookies, "__client_uat")).toContain("__client_uat=0;");
    expect((await backendToken(sessionId)).status).toBe(404);
    expect((await alice.call("POST", `/v1/client/sessions/${sessionId}/touch`)).status).toBe(401);
  });

  it("a session revoked through the Backend API signs the browser out", async () => {
    const { alice, sessionId } = await signedInAlice();
    await callBackendApi(test.emulator, "POST", `/v1/sessions/${sessionId}/revoke`);
    const { body, setCookies } = await alice.call("GET", "/v1/client");
    expect(body.response.sessions).toEqual([]);
    expect(setCookieNamed(setCookies, "__client_uat")).toContain("__client_uat=0;");
    expect((await alice.call("POST", `/v1/client/sessions/${sessionId}/tokens`)).status).toBe(401);
  });
});

describe("the request log", () => {
  it("has one line per request and never a token", () => {
    expect(test.logLines.length).toBeGreaterThan(20);
    for (const line of test.logLines) expect(line).toMatch(/^[A-Z]+ \/\S* \d{3} \d+ms$/);
    expect(test.logLines.join("\n")).not.toMatch(/eyJ|sk_/);
  });
});

describe.skipIf(specMissingReason !== undefined)(specValidationTitle, () => {
  it("checked every response the tests above received", () => {
    expect(spec.checkedCount()).toBeGreaterThanOrEqual(40);
  });
});
