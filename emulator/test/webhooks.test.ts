import { describe, expect, it } from "vitest";
import { callBackendApi } from "../../support/backend-api";
import { Browser } from "./support/frontend-api";
import { emulatorWithWebhookEndpoint, verifiedEvent, type Delivery } from "./support/webhook-endpoint";

// The session webhooks, as an app receives them: checked with the SDK's own verifyWebhook.

const running = emulatorWithWebhookEndpoint();

const nextDelivery = () => running.endpoint.next();
const verified = (delivery: Delivery, signingSecret = running.test.emulator.webhookSigningSecret!) =>
  verifiedEvent(delivery, signingSecret);

describe("webhooks", () => {
  it("sends session.revoked, signed as Svix signs it, when the Backend API revokes a session", async () => {
    const next = nextDelivery();
    await callBackendApi(running.test.emulator, "POST", "/v1/sessions/sess_seed_bob/revoke");
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
    const alice = new Browser(running.test.emulator);
    const { sessionId } = await alice.signIn("alice@example.com", "alice-password-1");
    const next = nextDelivery();
    expect((await alice.call("DELETE", "/v1/client/sessions")).status).toBe(200);
    const event = await verified(await next);
    expect(event).toMatchObject({ type: "session.removed", data: { id: sessionId, status: "removed" } });
  });

  it("delivers again, under the same id, when the endpoint fails", async () => {
    running.endpoint.status = 503;
    const first = nextDelivery();
    await callBackendApi(running.test.emulator, "POST", "/v1/sessions/sess_seed_alice/revoke");
    const failed = await first;
    running.endpoint.status = 200;
    const retried = await nextDelivery();
    expect(retried.headers["svix-id"]).toBe(failed.headers["svix-id"]);
    expect((await verified(retried)).type).toBe("session.revoked");
  });
});
