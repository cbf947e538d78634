import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppServer, type AppServer } from "../../support/app-server";
import { appEnvFor, mintSessionToken } from "../../support/clerk-env";
import { startTestEmulator, type TestEmulator } from "../support/emulator";

/**
 * Verified webhooks whose payload is not shaped as Clerk sends it (issue 21 item 6): a signature
 * proves who sent a payload, not that `data` is an object with an id. Each answer is a deliberate
 * 400 or an acknowledged no-op, never a 5xx, and the server logs no stack.
 */

const SIGNING_SECRET = `whsec_${randomBytes(24).toString("base64")}`;

let emulator: TestEmulator;
let app: AppServer;

beforeAll(async () => {
  emulator = await startTestEmulator();
  app = await startAppServer(appEnvFor(emulator, { CLERK_WEBHOOK_SIGNING_SECRET: SIGNING_SECRET }));
});

afterAll(async () => {
  await app?.stop();
  await emulator?.stop();
});

/** A delivery of exactly this body, signed as Clerk (Svix) signs one. */
function deliver(body: string) {
  const sentAt = new Date();
  const id = `msg_${randomBytes(8).toString("hex")}`;
  return fetch(`${app.url}/api/webhooks/clerk`, {
    method: "POST",
    headers: {
      "svix-id": id,
      "svix-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
      "svix-signature": new Webhook(SIGNING_SECRET).sign(id, sentAt, body),
    },
    body,
  });
}

const event = (type: unknown, data: unknown) => JSON.stringify({ type, object: "event", data, timestamp: 1 });

describe("a verified webhook with an unexpected shape", () => {
  it.each([
    ["session.ended with data: null", event("session.ended", null), "session.ended: data must be an object"],
    ["session.revoked without data", JSON.stringify({ type: "session.revoked" }), "session.revoked: data must be"],
    ["session.removed with a numeric id", event("session.removed", { id: 42 }), "session.removed: data.id"],
    ["user.deleted with an empty id", event("user.deleted", { id: "", deleted: true }), "user.deleted: data.id"],
    ["user.deleted with data: []", event("user.deleted", []), "user.deleted: data must be an object"],
    ["user.updated with data: null", event("user.updated", null), "user.updated: data must be an object"],
    [
      "organization.updated with data: null",
      event("organization.updated", null),
      "organization.updated: data must be an object",
    ],
    [
      "organization.deleted without the organization's id",
      event("organization.deleted", { object: "organization", deleted: true }),
      "organization.deleted: data.id",
    ],
    ["no type", JSON.stringify({ object: "event", data: { id: "sess_x" } }), "the event has no type"],
    ["a type that is not a string", event(["session.ended"], { id: "sess_x" }), "the event has no type"],
  ])("answers %s with 400 webhook_payload_invalid, naming what is wrong", async (_, body, problem) => {
    const response = await deliver(body);
    expect(response.status).toBe(400);
    const answer = (await response.json()) as { code: string; message: string };
    expect(answer.code).toBe("webhook_payload_invalid");
    expect(answer.message).toContain(problem);
  });

  it.each([
    ["user.created with data: null", event("user.created", null)],
    ["an event type Clerk may add later, data a string", event("email.created", "x")],
  ])("acknowledges %s and does nothing with it", async (_, body) => {
    const response = await deliver(body);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true });
  });

  it.each([
    ["a JSON null", "null"],
    ["a JSON array", "[]"],
    ["text that is not JSON", "session.ended"],
  ])("refuses %s with a 400", async (_, body) => {
    const response = await deliver(body);
    expect(response.status).toBe(400);
  });

  it("still acts on a well-formed one: a reused token is dropped", async () => {
    const token = await mintSessionToken(emulator, "sess_seed_bob");
    const ask = async () =>
      (await fetch(`${app.url}/api/get-token-example`, { headers: { Authorization: `Bearer ${token}` } })).headers.get(
        "server-timing",
      );
    await ask();
    expect(await ask()).toMatch(/^cache;desc="hit"/);
    const ended = await deliver(event("session.ended", { object: "session", id: "sess_seed_bob" }));
    expect(ended.status).toBe(200);
    expect(await ask()).toMatch(/^cache;desc="miss"/);
  });

  it("never made the server log a stack", () => {
    expect(app.output()).not.toMatch(/TypeError|\n\s+at /);
    expect(app.output()).toContain("[webhook] refused a verified event: session.ended: data must be an object");
  });
});
