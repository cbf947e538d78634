import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callBackendApi } from "../../support/backend-api";
import { startTestEmulator, type TestEmulator } from "./support/emulator";
import { Browser } from "./support/frontend-api";
import { startWebhookEndpoint, verifiedEvent, type Delivery } from "./support/webhook-endpoint";

// The session webhooks, as an app receives them: checked with the SDK's own verifyWebhook.

let test: TestEmulator;
let endpoint: Awaited<ReturnType<typeof startWebhookEndpoint>>;

beforeAll(async () => {
  endpoint = await startWebhookEndpoint();
  test = await startTestEmulator({ webhooks: { url: endpoint.url } });
});
afterAll(async () => {
  await test.stop();
  await endpoint.close();
});

const nextDelivery = () => endpoint.next();
const verified = (delivery: Delivery, signingSecret = test.emulator.webhookSigningSecret!) =>
  verifiedEvent(delivery, signingSecret);

describe("webhooks", () => {
  it("sends session.revoked, signed as Svix signs it, when the Backend API revokes a session", async () => {
    const next = nextDelivery();
    await callBackendApi(test.emulator, "POST", "/v1/sessions/sess_seed_bob/revoke");
    const delivery = await next;
    expect(delivery.headers).toMatchObject({
      "svix-id": expect.stringMatching(/^msg_/),
      "svix-timestamp": expect.stringMatching(/^\d+$/),
      "svix-signature": expect.stringMatching(/^v1,/),
    });
    const event = await verified(delivery);
    expect(event).toMatchObject({
      type: "session.revoked",
      object: "event",
      data: { object: "session", id: "sess_seed_bob", user_id: "user_seed_bob", status: "revoked" },
    });
    await expect(verified(delivery, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")).rejects.toThrow(/verify/);
  });

  it("sends session.removed when a browser signs out", async () => {
    const alice = new Browser(test.emulator);
    const { sessionId } = await alice.signIn("alice@example.com", "alice-password-1");
    const next = nextDelivery();
    expect((await alice.call("DELETE", "/v1/client/sessions")).status).toBe(200);
    const event = await verified(await next);
    expect(event).toMatchObject({ type: "session.removed", data: { id: sessionId, status: "removed" } });
  });

  it("delivers again, under the same id, when the endpoint fails", async () => {
    endpoint.status = 503;
    const first = nextDelivery();
    await callBackendApi(test.emulator, "POST", "/v1/sessions/sess_seed_alice/revoke");
    const failed = await first;
    endpoint.status = 200;
    const retried = await nextDelivery();
    expect(retried.headers["svix-id"]).toBe(failed.headers["svix-id"]);
    expect((await verified(retried)).type).toBe("session.revoked");
  });
});
