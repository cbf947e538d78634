import { verifyWebhook } from "@clerk/backend/webhooks";
import { once } from "node:events";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll } from "vitest";
import { startTestEmulator, type TestEmulator } from "./emulator";

export type Delivery = { headers: IncomingMessage["headers"]; body: string; status: number };

/** An app's webhook endpoint on a free port: it keeps every delivery and answers with `status`. */
export async function startWebhookEndpoint() {
  const deliveries: Delivery[] = [];
  const endpoint = {
    url: "",
    status: 200,
    deliveries,
    /** Resolves with the next delivery, or undefined after 3 s. */
    async next(): Promise<Delivery> {
      const seen = deliveries.length;
      for (let waited = 0; deliveries.length === seen && waited < 3000; waited += 20) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return deliveries[seen]!;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk));
    req.on("end", () => {
      deliveries.push({ headers: req.headers, body, status: endpoint.status });
      res.writeHead(endpoint.status).end();
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  endpoint.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/webhooks/clerk`;
  return endpoint;
}

/** The event in a delivery, as an app's verifyWebhook reads it (throws when the signature is wrong). */
export function verifiedEvent(delivery: Delivery, signingSecret: string) {
  return verifyWebhook(
    new Request("http://app.example/api/webhooks/clerk", {
      method: "POST",
      headers: delivery.headers as Record<string, string>,
      body: delivery.body,
    }),
    { signingSecret },
  );
}

/**
 * For a test file: an emulator that sends its webhooks to an endpoint of its own, both started
 * before the file's tests and stopped after them. Read `test` and `endpoint` inside the tests.
 */
export function emulatorWithWebhookEndpoint() {
  const running = {} as { test: TestEmulator; endpoint: Awaited<ReturnType<typeof startWebhookEndpoint>> };
  beforeAll(async () => {
    running.endpoint = await startWebhookEndpoint();
    running.test = await startTestEmulator({ webhooks: { url: running.endpoint.url } });
  });
  afterAll(async () => {
    await running.test.stop();
    await running.endpoint.close();
  });
  return running;
}
