import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppServer, type AppServer } from "../../support/app-server";
import { appEnvFor, mintSessionToken } from "../../support/clerk-env";
import { startTestEmulator, type TestEmulator } from "../support/emulator";

const ROUTE = "/api/me";

let emulator: TestEmulator;
let app: AppServer;
let oneLineKeyApp: AppServer;
const emulatorLog: string[] = [];

beforeAll(async () => {
  emulator = await startTestEmulator({ log: (line) => emulatorLog.push(line) });
  // CLERK_JWT_KEY as many .env files and CI secrets hold it: one line, with literal \n.
  const oneLineKey = emulator.jwtKey.replaceAll("\n", "\\n");
  [app, oneLineKeyApp] = await Promise.all([
    startAppServer(appEnvFor(emulator)),
    startAppServer(appEnvFor(emulator, { CLERK_JWT_KEY: oneLineKey })),
  ]);
});

afterAll(async () => {
  await Promise.all([app?.stop(), oneLineKeyApp?.stop()]);
  await emulator?.stop();
});

describe(`GET ${ROUTE} over HTTP`, () => {
  it("answers a request without a session with 401 JSON, like the token route", async () => {
    const response = await fetch(`${app.url}${ROUTE}`);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe("Bearer");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({
      code: "no_credentials",
      message: expect.stringMatching(/^No session token/),
    });
  });

  it("tells who is signed in, from the session token alone: no Clerk API call", async () => {
    const sessionToken = await mintSessionToken(emulator, "sess_seed_bob");
    const callsBefore = emulatorLog.length;
    const response = await fetch(`${app.url}${ROUTE}`, { headers: { Authorization: `Bearer ${sessionToken}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({ userId: "user_seed_bob", sessionId: "sess_seed_bob" });
    expect(emulatorLog.length).toBe(callsBefore);
  });

  it("verifies sessions with a CLERK_JWT_KEY written on one line with literal \\n", async () => {
    const sessionToken = await mintSessionToken(emulator, "sess_seed_bob");
    const response = await fetch(`${oneLineKeyApp.url}${ROUTE}`, {
      headers: { Authorization: `Bearer ${sessionToken}` },
    });
    expect(response.status).toBe(200);
  });

  it("answers POST with 405 and Allow: GET, HEAD", async () => {
    const response = await fetch(`${app.url}${ROUTE}`, { method: "POST" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
  });
});
