import type { IncomingMessage, ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../emulator/src/index";
import { startAppServer, type AppServer } from "../support/app-server";
import { appEnvFor, mintSessionToken } from "../support/clerk-env";
import { clerkErrorBody, startStubClerk } from "../support/stub-clerk";
import { makeTempDir } from "../support/tmp";

/**
 * Clerk's Backend API misbehaving, stood in for at the network edge by a stub
 * server. Session tokens still come from the emulator and are verified
 * offline with CLERK_JWT_KEY, so only the getToken call meets the fault.
 */

const ROUTE = "/api/get-token-example";
const TIMEOUT_MS = 800;

type Behaviour = (req: IncomingMessage, res: ServerResponse) => void;
let behaviour: Behaviour;
let stub: Awaited<ReturnType<typeof startStubClerk>>;
let emulator: RunningEmulator;
let app: AppServer;
let removeTempDir: () => Promise<void>;
let sessionToken: string;

beforeAll(async () => {
  const temp = await makeTempDir();
  removeTempDir = temp.remove;
  emulator = await startEmulator({ port: 0, dataDir: temp.dir, log: () => {} });
  sessionToken = await mintSessionToken(emulator, "sess_seed_alice");
  stub = await startStubClerk((req, res) => behaviour(req, res));
  app = await startAppServer(
    appEnvFor(emulator, { CLERK_API_URL: stub.url, CLERK_API_TIMEOUT_MS: String(TIMEOUT_MS) }),
  );
});

afterAll(async () => {
  await app?.stop();
  await stub?.close();
  await emulator?.close();
  await removeTempDir?.();
});

function clerkAnswers(status: number, body: string, headers: Record<string, string> = {}): Behaviour {
  return (_req, res) => res.writeHead(status, { "Content-Type": "application/json", ...headers }).end(body);
}

async function getToken() {
  const started = performance.now();
  const response = await fetch(`${app.url}${ROUTE}`, { headers: { Authorization: `Bearer ${sessionToken}` } });
  const body = await response.json();
  return { response, body, elapsedMs: performance.now() - started };
}

describe("the token route when Clerk misbehaves", () => {
  it("passes Clerk's 429 on with its Retry-After", async () => {
    behaviour = clerkAnswers(429, clerkErrorBody("too_many_requests", "Too many requests"), { "Retry-After": "7" });
    const { response, body } = await getToken();
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("7");
    expect(body).toMatchObject({ code: "rate_limited", clerkTraceId: "trace_stub" });
  });

  it.each([401, 403])(
    "answers Clerk's %i (secret key rejected) with 500 server_misconfigured, naming the variable only in the log",
    async (status) => {
      behaviour = clerkAnswers(status, clerkErrorBody("authentication_invalid", "Secret key sk_live_zzz is invalid"));
      const { response, body } = await getToken();
      expect(response.status).toBe(500);
      expect(body.code).toBe("server_misconfigured");
      expect(JSON.stringify(body)).not.toMatch(/sk_live|secret|CLERK_SECRET_KEY/i);
      expect(app.output()).toContain("CLERK_SECRET_KEY");
      expect(app.output()).not.toContain(emulator.secretKey);
    },
  );

  it.each([500, 502, 503])("answers Clerk's %i with 502 clerk_unavailable", async (status) => {
    behaviour = clerkAnswers(status, clerkErrorBody("internal_clerk_error", "Oops"));
    const { response, body } = await getToken();
    expect(response.status).toBe(502);
    expect(body).toMatchObject({ code: "clerk_unavailable", clerkTraceId: "trace_stub" });
  });

  it.each([
    ["a body that is not JSON", clerkAnswers(200, "<html>gateway</html>")],
    [
      "JSON under another content type",
      clerkAnswers(200, '{"object":"token","jwt":"a.b.c"}', { "Content-Type": "text/plain" }),
    ],
    ["a token object without a JWT", clerkAnswers(200, '{"object":"token"}')],
    ["a reset connection", (req: IncomingMessage) => req.socket.destroy()],
  ])("answers %s with 502 clerk_unavailable", async (_name, fault) => {
    behaviour = fault;
    const { response, body } = await getToken();
    expect(response.status).toBe(502);
    expect(body.code).toBe("clerk_unavailable");
  });

  it("answers 504 clerk_timeout when Clerk accepts the call and never answers", async () => {
    behaviour = () => {};
    const { response, body, elapsedMs } = await getToken();
    expect(response.status).toBe(504);
    expect(body.code).toBe("clerk_timeout");
    expect(elapsedMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(elapsedMs).toBeLessThan(TIMEOUT_MS + 1500);
  });
});

describe("the token route when Clerk cannot be reached at all", () => {
  it("answers 502 clerk_unavailable once the emulator has stopped", async () => {
    const temp = await makeTempDir();
    const offline = await startEmulator({ port: 0, dataDir: temp.dir, log: () => {} });
    const token = await mintSessionToken(offline, "sess_seed_alice");
    const server = await startAppServer(appEnvFor(offline));
    try {
      await offline.close();
      const response = await fetch(`${server.url}${ROUTE}`, { headers: { Authorization: `Bearer ${token}` } });
      expect(response.status).toBe(502);
      expect((await response.json()).code).toBe("clerk_unavailable");
    } finally {
      await server.stop();
      await temp.remove();
    }
  });
});
