import { verifyWebhook } from "@clerk/backend/webhooks";
import { once } from "node:events";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callBackendApi } from "../../support/backend-api";
import { startTestEmulator, type TestEmulator } from "./support/emulator";
import { Browser } from "./support/frontend-api";

// The session webhooks, as an app receives them: checked with the SDK's own verifyWebhook.

type Delivery = { headers: IncomingMessage["headers"]; body: string; status: number };

let test: TestEmulator;
const deliveries: Delivery[] = [];
let answerWith = 200;
const endpoint = createServer((req, res) => {
  let body = "";
  req.on("data", (chunk: Buffer) => (body += chunk));
  req.on("end", () => {
    deliveries.push({ headers: req.headers, body, status: answerWith });
    res.writeHead(answerWith).end();
  });
});

beforeAll(async () => {
  endpoint.listen(0, "127.0.0.1");
  await once(endpoint, "listening");
  const { port } = endpoint.address() as AddressInfo;
  test = await startTestEmulator({ webhooks: { url: `http://127.0.0.1:${port}/api/webhooks/clerk` } });
});
afterAll(async () => {
  await test.stop();
  endpoint.close();
});

async function nextDelivery(): Promise<Delivery> {
  const seen = deliveries.length;
  for (let waited = 0; deliveries.length === seen && waited < 3000; waited += 20) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return deliveries[seen]!;
}

const verified = (delivery: Delivery, signingSecret = test.emulator.webhookSigningSecret!) =>
  verifyWebhook(
    new Request("http://app.example/api/webhooks/clerk", {
      method: "POST",
      headers: delivery.headers as Record<string, string>,
      body: delivery.body,
    }),
    { signingSecret },
  );

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
    answerWith = 503;
    const first = nextDelivery();
    await callBackendApi(test.emulator, "POST", "/v1/sessions/sess_seed_alice/revoke");
    const failed = await first;
    answerWith = 200;
    const retried = await nextDelivery();
    expect(retried.headers["svix-id"]).toBe(failed.headers["svix-id"]);
    expect((await verified(retried)).type).toBe("session.revoked");
  });
});
