import { verifyToken } from "@clerk/backend";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callBackendApi } from "../../support/backend-api";
import { specMissingReason, specValidationTitle, validateEveryResponse } from "./support/clerk-openapi";
import { startTestEmulator, type TestEmulator } from "./support/emulator";
import { Browser, claimsOf } from "./support/frontend-api";

// The Frontend API side of @clerk/testing: the `ticket` strategy that clerk.signIn({ emailAddress })
// ends with, and `__clerk_testing_token`, which setupClerkTestingToken() adds to every call.

const spec = validateEveryResponse();
let test: TestEmulator;
beforeAll(async () => {
  test = await startTestEmulator();
});
afterAll(() => test.stop());

async function ticketFor(userId: string, expiresInSeconds = 300): Promise<string> {
  const { status, body } = await callBackendApi(test.emulator, "POST", "/v1/sign_in_tokens", {
    body: { user_id: userId, expires_in_seconds: expiresInSeconds },
  });
  if (status !== 200) throw new Error(`sign_in_tokens answered ${status}`);
  return body.token;
}

const signInWithTicket = (browser: Browser, ticket: string) =>
  browser.call("POST", "/v1/client/sign_ins", { strategy: "ticket", ticket });

describe("POST /v1/client/sign_ins with strategy=ticket", () => {
  it("signs the ticket's user in at once, with a session whose token @clerk/backend accepts", async () => {
    const bob = new Browser(test.emulator);
    const { status, body } = await signInWithTicket(bob, await ticketFor("user_seed_bob"));
    expect(status).toBe(200);
    expect(body.response).toMatchObject({
      object: "sign_in_attempt",
      status: "complete",
      identifier: "bob@example.com",
      first_factor_verification: { object: "verification_ticket", status: "verified", strategy: "ticket" },
      created_session_id: expect.stringMatching(/^sess_/),
    });
    const [session] = body.client.sessions;
    expect(session.id).toBe(body.response.created_session_id);
    const payload = await verifyToken(session.last_active_token.jwt, { jwtKey: test.emulator.jwtKey });
    expect(payload).toMatchObject({ sub: "user_seed_bob", sid: session.id, azp: "http://localhost:3000" });
    expect(bob.cookies.get("__client_uat")).not.toBe("0");
  });

  it("takes a ticket once", async () => {
    const ticket = await ticketFor("user_seed_alice");
    expect((await signInWithTicket(new Browser(test.emulator), ticket)).status).toBe(200);
    const again = await signInWithTicket(new Browser(test.emulator), ticket);
    expect(again.status).toBe(400);
    expect(again.body.errors).toMatchObject([{ code: "sign_in_token_already_used", meta: { param_name: "ticket" } }]);
  });

  it("refuses an unknown ticket, an expired one, and none at all, creating no client", async () => {
    const stranger = new Browser(test.emulator);
    const unknown = await signInWithTicket(stranger, "not-a-ticket");
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toMatchObject([{ code: "ticket_invalid_code", message: "Invalid ticket" }]);

    const shortLived = await ticketFor("user_seed_alice", 1);
    await sleep(1100);
    const expired = await signInWithTicket(stranger, shortLived);
    expect(expired.status).toBe(400);
    expect(expired.body.errors).toMatchObject([{ code: "ticket_expired_code" }]);

    const missing = await stranger.call("POST", "/v1/client/sign_ins", { strategy: "ticket" });
    expect(missing.status).toBe(422);
    expect(missing.body.errors).toMatchObject([{ code: "form_param_missing", meta: { param_name: "ticket" } }]);
    expect(stranger.cookies.has("__client")).toBe(false);
  });

  it("answers session_exists to a browser that is signed in already, and leaves the ticket unused", async () => {
    const alice = new Browser(test.emulator);
    await alice.signIn("alice@example.com", "alice-password-1");
    const ticket = await ticketFor("user_seed_bob");
    const { status, body } = await signInWithTicket(alice, ticket);
    expect(status).toBe(400);
    expect(body.errors).toMatchObject([{ code: "session_exists" }]);
    expect((await signInWithTicket(new Browser(test.emulator), ticket)).status).toBe(200);
  });
});

describe("__clerk_testing_token on Frontend API calls", () => {
  it("is accepted when this instance issued it, and ignored otherwise, changing no answer", async () => {
    const { body } = await callBackendApi(test.emulator, "POST", "/v1/testing_tokens");
    const browser = new Browser(test.emulator);
    const plain = await browser.call("GET", "/v1/environment");
    const accepted = await browser.call("GET", `/v1/environment?__clerk_testing_token=${body.token}`);
    const ignored = await browser.call("GET", "/v1/environment?__clerk_testing_token=1713877200-not-issued-here");
    expect([plain.status, accepted.status, ignored.status]).toEqual([200, 200, 200]);
    expect(accepted.body).toEqual(plain.body);
    expect(ignored.body).toEqual(plain.body);
    const signedIn = await browser.call("POST", `/v1/client/sign_ins?__clerk_testing_token=${body.token}`, {
      strategy: "password",
      identifier: "alice@example.com",
      password: "alice-password-1",
    });
    expect(signedIn.body.response.status).toBe("complete");
    expect(test.logLines.slice(-4)).toEqual([
      expect.stringMatching(/^GET \/v1\/environment 200 \d+ms$/),
      expect.stringMatching(/^GET \/v1\/environment 200 \d+ms \(testing token accepted\)$/),
      expect.stringMatching(/^GET \/v1\/environment 200 \d+ms \(testing token ignored\)$/),
      expect.stringMatching(/^POST \/v1\/client\/sign_ins 200 \d+ms \(testing token accepted\)$/),
    ]);
    expect(claimsOf(signedIn.body.client.sessions[0].last_active_token.jwt).sub).toBe("user_seed_alice");
  });
});

describe.skipIf(specMissingReason !== undefined)(specValidationTitle, () => {
  it("checked the responses of these tests", () => {
    expect(spec.checkedCount()).toBeGreaterThanOrEqual(15);
  });
});
