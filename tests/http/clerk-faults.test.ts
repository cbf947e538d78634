import type { IncomingMessage, ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppServer, type AppServer } from "../support/app-server";
import { startTestEmulator, type TestEmulator } from "../support/emulator";
import { appEnvFor, mintSessionToken } from "../support/clerk-env";
import { clerkErrorBody, startStubClerk } from "../support/stub-clerk";

/**
 * Clerk's Backend API misbehaving, stood in for at the network edge by a stub
 * server. Session tokens still come from the emulator and are verified
 * offline with CLERK_JWT_KEY, so only the getToken call meets the fault.
 */

const ROUTE = "/api/get-token-example";
const TIMEOUT_MS = 800;

type Behaviour = (req: IncomingMessage, res: ServerResponse) => void;
/** What the stub does on each call, in order; the last one repeats. */
let behaviours: Behaviour[] = [];
let calls = 0;
let stub: Awaited<ReturnType<typeof startStubClerk>>;
let emulator: TestEmulator;
let app: AppServer;
let sessionToken: string;

beforeAll(async () => {
  emulator = await startTestEmulator();
  sessionToken = await mintSessionToken(emulator, "sess_seed_alice");
  stub = await startStubClerk((req, res) => {
    const behaviour = behaviours[Math.min(calls, behaviours.length - 1)]!;
    calls += 1;
    behaviour(req, res);
  });
  app = await startAppServer(
    appEnvFor(emulator, { CLERK_API_URL: stub.url, CLERK_API_TIMEOUT_MS: String(TIMEOUT_MS) }),
  );
});

afterAll(async () => {
  await app?.stop();
  await stub?.close();
  await emulator?.stop();
});

function clerkAnswers(status: number, body: string, headers: Record<string, string> = {}): Behaviour {
  return (_req, res) => res.writeHead(status, { "Content-Type": "application/json", ...headers }).end(body);
}

const clerkFails = (status: number, headers: Record<string, string> = {}) =>
  clerkAnswers(status, clerkErrorBody("clerk_error", `HTTP ${status}`), headers);
const clerkMintsToken = clerkAnswers(
  200,
  JSON.stringify({ object: "token", jwt: "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln" }),
);
const resetConnection: Behaviour = (req) => req.socket.destroy();
const neverAnswer: Behaviour = () => {};

function clerkWill(...sequence: Behaviour[]) {
  behaviours = sequence;
  calls = 0;
}

/** One token request, bypassing token reuse so that every request meets Clerk. */
async function getToken() {
  const started = performance.now();
  const response = await fetch(`${app.url}${ROUTE}`, {
    headers: { Authorization: `Bearer ${sessionToken}`, "Cache-Control": "no-cache" },
  });
  const body = await response.json();
  return { response, body, elapsedMs: performance.now() - started };
}

describe("the token route when Clerk misbehaves", () => {
  it("passes Clerk's 429 on with its Retry-After when waiting would not fit in the budget", async () => {
    clerkWill(clerkAnswers(429, clerkErrorBody("too_many_requests", "Too many requests"), { "Retry-After": "7" }));
    const { response, body, elapsedMs } = await getToken();
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("7");
    expect(body).toMatchObject({ code: "rate_limited", clerkTraceId: "trace_stub" });
    expect(calls).toBe(1);
    expect(elapsedMs).toBeLessThan(TIMEOUT_MS);
  });

  it("waits out a 429 whose Retry-After fits in the budget, then retries once", async () => {
    clerkWill(clerkFails(429, { "Retry-After": "0" }), clerkMintsToken);
    const { response, body } = await getToken();
    expect(response.status).toBe(200);
    expect(body.token.jwt).toMatch(/^eyJ/);
    expect(calls).toBe(2);
  });

  it.each([401, 403])(
    "answers Clerk's %i (secret key rejected) with 500 server_misconfigured, naming the variable only in the log",
    async (status) => {
      clerkWill(clerkAnswers(status, clerkErrorBody("authentication_invalid", "Secret key sk_live_zzz is invalid")));
      const { response, body } = await getToken();
      expect(response.status).toBe(500);
      expect(body.code).toBe("server_misconfigured");
      expect(JSON.stringify(body)).not.toMatch(/sk_live|secret|CLERK_SECRET_KEY/i);
      expect(app.output()).toContain("CLERK_SECRET_KEY");
      expect(app.output()).not.toContain(emulator.secretKey);
      expect(calls).toBe(1);
    },
  );

  it.each([
    [500, 1],
    [502, 2],
    [503, 2],
  ])("answers Clerk's %i with 502 clerk_unavailable after %i call(s)", async (status, expectedCalls) => {
    clerkWill(clerkFails(status));
    const { response, body } = await getToken();
    expect(response.status).toBe(502);
    expect(body).toMatchObject({ code: "clerk_unavailable", clerkTraceId: "trace_stub" });
    expect(calls).toBe(expectedCalls);
  });

  it.each([
    ["a 502", clerkFails(502)],
    ["a 503", clerkFails(503)],
    ["a reset connection", resetConnection],
  ])("retries once after %s and hands out the token", async (_name, firstAnswer) => {
    clerkWill(firstAnswer, clerkMintsToken);
    const { response, elapsedMs } = await getToken();
    expect(response.status).toBe(200);
    expect(calls).toBe(2);
    expect(elapsedMs).toBeLessThan(TIMEOUT_MS);
  });

  it.each([400, 404, 422])("does not retry Clerk's %i", async (status) => {
    clerkWill(clerkFails(status), clerkMintsToken);
    const { response } = await getToken();
    expect(response.status).not.toBe(200);
    expect(calls).toBe(1);
  });

  it.each([
    ["a body that is not JSON", clerkAnswers(200, "<html>gateway</html>")],
    [
      "JSON under another content type",
      clerkAnswers(200, '{"object":"token","jwt":"a.b.c"}', { "Content-Type": "text/plain" }),
    ],
    ["a token object without a JWT", clerkAnswers(200, '{"object":"token"}')],
    ["reset connections", resetConnection],
  ])("answers %s with 502 clerk_unavailable", async (_name, fault) => {
    clerkWill(fault);
    const { response, body } = await getToken();
    expect(response.status).toBe(502);
    expect(body.code).toBe("clerk_unavailable");
  });

  it("answers 504 clerk_timeout within the budget when Clerk never answers, and lets go of the socket", async () => {
    clerkWill(neverAnswer);
    const { response, body, elapsedMs } = await getToken();
    expect(response.status).toBe(504);
    expect(body.code).toBe("clerk_timeout");
    expect(elapsedMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(elapsedMs).toBeLessThan(TIMEOUT_MS + 500);
    expect(calls).toBe(1);
    // The abandoned call is closed by the HTTP client's own timeout shortly after the budget.
    expect(stub.unansweredCalls()).toBe(1);
    await expect.poll(() => stub.unansweredCalls(), { timeout: 3_000, interval: 100 }).toBe(0);
  });
});

describe("the token route when Clerk cannot be reached at all", () => {
  it("answers 502 clerk_unavailable once the emulator has stopped", async () => {
    const offline = await startTestEmulator();
    const token = await mintSessionToken(offline, "sess_seed_alice");
    const server = await startAppServer(appEnvFor(offline));
    try {
      await offline.stop();
      const response = await fetch(`${server.url}${ROUTE}`, { headers: { Authorization: `Bearer ${token}` } });
      expect(response.status).toBe(502);
      expect((await response.json()).code).toBe("clerk_unavailable");
    } finally {
      await server.stop();
    }
  });
});
