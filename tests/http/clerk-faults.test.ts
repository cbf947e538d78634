import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FaultsInput } from "../../emulator/src/faults";
import { startAppServer, type AppServer } from "../../support/app-server";
import { templateTokenCallCounter } from "../../support/clerk-calls";
import { appEnvFor, mintSessionToken, revokeSession } from "../../support/clerk-env";
import { startTestEmulator, type TestEmulator } from "../support/emulator";

/**
 * Clerk's Backend API misbehaving, played by the emulator's injected faults.
 * Session tokens are verified offline with CLERK_JWT_KEY, so only the
 * getToken call meets the fault.
 */

const ROUTE = "/api/get-token-example";
/** Long enough for a retry after Clerk's shortest Retry-After (1 s). */
const BUDGET_MS = 1500;
const TEMPLATE_TOKEN_CALLS = "^/v1/sessions/[^/]+/tokens/";

let emulator: TestEmulator;
let app: AppServer;
let sessionToken: string;
const clerkCalls = templateTokenCallCounter();
const emulatorLog: string[] = [];

beforeAll(async () => {
  emulator = await startTestEmulator({
    log: (line) => {
      clerkCalls.log(line);
      emulatorLog.push(line);
    },
  });
  sessionToken = await mintSessionToken(emulator, "sess_seed_alice");
  app = await startAppServer(appEnvFor(emulator, { CLERK_API_TIMEOUT_MS: String(BUDGET_MS) }));
});

afterAll(async () => {
  await app?.stop();
  await emulator?.stop();
});

/** Injects faults into template-token calls only, and counts those calls from now on. */
function clerkWill(faults: FaultsInput) {
  emulator.setFaults({ ...faults, pathPattern: TEMPLATE_TOKEN_CALLS });
  return { calls: clerkCalls.since() };
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
    const clerk = clerkWill({ rateLimit: { requests: 1, windowSeconds: 60 } });
    expect((await getToken()).response.status).toBe(200);
    const { response, body, elapsedMs } = await getToken();
    expect(response.status).toBe(429);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(BUDGET_MS / 1000);
    expect(body.code).toBe("rate_limited");
    expect(body.clerkTraceId).toMatch(/^\w+$/);
    expect(clerk.calls()).toBe(2);
    expect(elapsedMs).toBeLessThan(BUDGET_MS);
  });

  it("waits out a 429 whose Retry-After fits in the budget, then retries once", async () => {
    const clerk = clerkWill({ rateLimit: { requests: 1, windowSeconds: 1 } });
    expect((await getToken()).response.status).toBe(200);
    const { response, body, elapsedMs } = await getToken();
    expect(response.status).toBe(200);
    expect(body.token.jwt).toMatch(/^eyJ/);
    expect(clerk.calls()).toBe(3);
    expect(elapsedMs).toBeLessThan(BUDGET_MS + 200);
  });

  it.each([
    [500, 1],
    [502, 2],
    [503, 2],
  ])("answers Clerk's %i with 502 clerk_unavailable after %i call(s)", async (status, expectedCalls) => {
    const clerk = clerkWill({ errorRate: 1, errorStatuses: [status] });
    const { response, body } = await getToken();
    expect(response.status).toBe(502);
    expect(body.code).toBe("clerk_unavailable");
    expect(body.clerkTraceId).toMatch(/^\w+$/);
    expect(clerk.calls()).toBe(expectedCalls);
  });

  it.each<[string, FaultsInput]>([
    ["a 502", { errorRate: 1, errorStatuses: [502] }],
    ["a 503", { errorRate: 1, errorStatuses: [503] }],
    ["a reset connection", { resetRate: 1 }],
  ])("retries once after %s and hands out the token", async (_name, fault) => {
    const clerk = clerkWill({ ...fault, times: 1 });
    const { response, elapsedMs } = await getToken();
    expect(response.status).toBe(200);
    expect(clerk.calls()).toBe(2);
    expect(elapsedMs).toBeLessThan(BUDGET_MS);
  });

  it("does not retry Clerk's 4xx answers", async () => {
    const clerk = clerkWill({});
    const bobToken = await mintSessionToken(emulator, "sess_seed_bob");
    await revokeSession(emulator, "sess_seed_bob");
    const response = await fetch(`${app.url}${ROUTE}`, { headers: { Authorization: `Bearer ${bobToken}` } });
    expect(response.status).toBe(401);
    expect(clerk.calls()).toBe(1);
  });

  it.each<[string, FaultsInput]>([
    ["a body that is not JSON", { notJsonRate: 1 }],
    ["JSON under another Content-Type", { wrongContentTypeRate: 1 }],
    ["reset connections", { resetRate: 1 }],
  ])("answers %s with 502 clerk_unavailable", async (_name, fault) => {
    clerkWill(fault);
    const { response, body } = await getToken();
    expect(response.status).toBe(502);
    expect(body.code).toBe("clerk_unavailable");
  });

  it("stays within the budget when Clerk is slow, and answers once it does", async () => {
    clerkWill({ jitterMs: 300 });
    const { response, elapsedMs } = await getToken();
    expect(response.status).toBe(200);
    expect(elapsedMs).toBeLessThan(BUDGET_MS);
  });

  it("answers 504 clerk_timeout within the budget when Clerk never answers, and lets go of the socket", async () => {
    clerkWill({ hangRate: 1 });
    const hangsBefore = emulatorLog.filter((line) => / 499 /.test(line)).length;
    const { response, body, elapsedMs } = await getToken();
    expect(response.status).toBe(504);
    expect(body.code).toBe("clerk_timeout");
    expect(elapsedMs).toBeGreaterThanOrEqual(BUDGET_MS - 50);
    expect(elapsedMs).toBeLessThan(BUDGET_MS + 500);
    // The emulator logs a hung call (499) only when the caller closes its socket: the app's
    // HTTP client does so, by its own timeout, shortly after the budget.
    await expect
      .poll(() => emulatorLog.filter((line) => / 499 /.test(line)).length - hangsBefore, { timeout: 3_000 })
      .toBe(1);
  });

  it("answers 500 server_misconfigured when Clerk rejects the secret key, naming it only in the log", async () => {
    clerkWill({});
    const misconfigured = await startAppServer(
      appEnvFor(emulator, { CLERK_SECRET_KEY: "sk_live_not_this_instances_key" }),
    );
    try {
      const response = await fetch(`${misconfigured.url}${ROUTE}`, {
        headers: { Authorization: `Bearer ${sessionToken}` },
      });
      const body = await response.json();
      expect(response.status).toBe(500);
      expect(body.code).toBe("server_misconfigured");
      expect(JSON.stringify(body)).not.toMatch(/sk_live|secret|CLERK_SECRET_KEY/i);
      expect(misconfigured.output()).toContain("CLERK_SECRET_KEY");
      expect(misconfigured.output()).not.toContain("sk_live_not_this_instances_key");
    } finally {
      await misconfigured.stop();
    }
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
      // The log names the cause and the call, without the session id, a key or a token.
      expect(server.output()).toContain(
        `[token] Clerk call failed (ECONNREFUSED: connect ECONNREFUSED ${new URL(offline.apiUrl).host}): ` +
          `POST ${new URL(offline.apiUrl).origin}/v1/sessions/{session_id}/tokens/test`,
      );
      expect(server.output()).not.toMatch(/sess_seed|sk_test|eyJ/);
    } finally {
      await server.stop();
    }
  });
});
