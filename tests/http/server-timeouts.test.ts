import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppServer, type AppServer } from "../../support/app-server";
import { appEnvFor } from "../../support/clerk-env";
import { startTestEmulator, type TestEmulator } from "../support/emulator";
import { trickleRequest } from "../support/raw-http";

/**
 * A client that sends its request slowly is cut off (issue 21 item 7): Node's own defaults let
 * one trickling a webhook body a byte a second hold the connection and its buffer for 300 s.
 * The timeouts here are shorter than the defaults (10 s and 30 s) only to keep the test short.
 */

const HEADERS_TIMEOUT_MS = 1000;
const REQUEST_TIMEOUT_MS = 2000;
/** Node looks for expired connections once a second (server/timeouts.ts): the cut-off comes at most that late. */
const CHECK_INTERVAL_MS = 1000;

let emulator: TestEmulator;
let app: AppServer;

beforeAll(async () => {
  emulator = await startTestEmulator();
  app = await startAppServer(
    appEnvFor(emulator, {
      CLERK_WEBHOOK_SIGNING_SECRET: `whsec_${randomBytes(24).toString("base64")}`,
      HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    }),
  );
});

afterAll(async () => {
  await app?.stop();
  await emulator?.stop();
});

function expectTimedOutAnswer(answer: string) {
  expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  expect(answer).toContain('{"message":"The request did not arrive in time');
  expect(answer).toContain('"code":"request_timeout"');
}

describe("a client that sends its request a byte a second", () => {
  it("is cut off with 408 at REQUEST_TIMEOUT_MS when it trickles a webhook body", async () => {
    const body = JSON.stringify({ type: "session.ended", data: { id: "sess_x" }, padding: "x".repeat(200) });
    const head = [
      "POST /api/webhooks/clerk HTTP/1.1",
      `Host: 127.0.0.1:${new URL(app.url).port}`,
      "svix-id: msg_1",
      `svix-timestamp: ${Math.floor(Date.now() / 1000)}`,
      "svix-signature: v1,c2ln",
      `Content-Length: ${body.length}`,
      "",
      "",
    ].join("\r\n");
    const { answer, closedAfterMs, bytesSent } = await trickleRequest(app.url, {
      head,
      trickle: body,
      everyMs: 1000,
      giveUpMs: 10_000,
    });
    expect(closedAfterMs, "the server never closed the connection").toBeDefined();
    expect(closedAfterMs!).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
    expect(closedAfterMs!).toBeLessThan(REQUEST_TIMEOUT_MS + CHECK_INTERVAL_MS + 500);
    expect(bytesSent).toBeLessThan(body.length);
    expectTimedOutAnswer(answer);
  });

  it("is cut off with 408 at HEADERS_TIMEOUT_MS when it trickles its headers", async () => {
    const { answer, closedAfterMs } = await trickleRequest(app.url, {
      head: "GET /healthz HTTP/1.1\r\n",
      trickle: "X-Slow: " + "y".repeat(100),
      everyMs: 100,
      giveUpMs: 10_000,
    });
    expect(closedAfterMs, "the server never closed the connection").toBeDefined();
    expect(closedAfterMs!).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 50);
    expect(closedAfterMs!).toBeLessThan(HEADERS_TIMEOUT_MS + CHECK_INTERVAL_MS + 500);
    expectTimedOutAnswer(answer);
  });

  it("is still answered when the whole request arrives in time", async () => {
    const response = await fetch(`${app.url}/healthz`);
    expect(response.status).toBe(200);
    expect(app.output()).not.toMatch(/\n\s+at /);
  });
});
