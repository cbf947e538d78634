import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { freePort, spawnNpm, startAppServer, waitUntilServed } from "../../support/app-server";
import { appEnvFor, mintSessionToken } from "../../support/clerk-env";
import { makeTempDir } from "../../support/temp-dir";
import { startTestEmulator, type TestEmulator } from "../support/emulator";

// What the server's processes write, as a terminal or a log collector sees it (issue 24 item 10).

const JWT_IN_TEXT = /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{8,}/;
const CLERK_BANNER = "Clerk - DEPRECATION WARNING: @clerk/remix is now in maintenance mode.";

let emulator: TestEmulator;

beforeAll(async () => {
  emulator = await startTestEmulator();
});

afterAll(async () => {
  await emulator?.stop();
});

const lines = (output: string) => output.split("\n").filter((line) => line.trim() !== "");

/** Runs `npm start` with `env`, sends a page load's and an API client's requests, stops it: everything it wrote. */
async function outputOfARun(env: Record<string, string>): Promise<string> {
  const app = await startAppServer(appEnvFor(emulator, env));
  try {
    const sessionToken = await mintSessionToken(emulator, "sess_seed_bob");
    const bearer = { headers: { Authorization: `Bearer ${sessionToken}` } };
    for (const path of ["/healthz", "/api/me", "/api/get-token-example", "/no-such-page", `/?__clerk_handshake=x`]) {
      await fetch(`${app.url}${path}`, bearer).then((response) => response.arrayBuffer());
    }
    await fetch(`${app.url}/?__clerk_handshake=${sessionToken}`).then((response) => response.arrayBuffer());
    await expect.poll(() => app.output()).toContain("GET /no-such-page 404");
  } finally {
    await app.stop();
  }
  return app.output();
}

describe("npm start", () => {
  it("with WEB_CONCURRENCY=3 shows Clerk's maintenance banner once, and every line says which process wrote it", async () => {
    const output = await outputOfARun({ WEB_CONCURRENCY: "3" });
    expect(output.split(CLERK_BANNER)).toHaveLength(2);
    for (const line of lines(output)) expect(line).toMatch(/^\[(primary|worker [1-9]\d*)\] /);
    expect(output).toMatch(/^\[primary\] /m);
    expect(output).toMatch(/^\[worker [1-9]\d*\] GET \/api\/get-token-example 200 /m);
    expect(output).not.toMatch(JWT_IN_TEXT);
  }, 60_000);

  it("with one process shows the banner once, and every line says [server]", async () => {
    const output = await outputOfARun({});
    expect(output.split(CLERK_BANNER)).toHaveLength(2);
    for (const line of lines(output)) expect(line).toMatch(/^\[server\] /);
    expect(output).toMatch(/^\[server\] GET \/api\/me 200 /m);
    expect(output).not.toMatch(JWT_IN_TEXT);
  }, 60_000);
});

describe("npm run start:offline", () => {
  it("logs a proxied Frontend API request once, by the app's server, and the emulator's own lines as [emulator]", async () => {
    const [port, emulatorPort] = [await freePort(), await freePort()];
    const dataDir = await makeTempDir();
    onTestFinished(() => dataDir.remove());
    const offline = spawnNpm(["run", "start:offline"], {
      PORT: String(port),
      EMULATOR_PORT: String(emulatorPort),
      EMULATOR_DATA_DIR: dataDir.dir,
    });
    try {
      await waitUntilServed(`http://127.0.0.1:${port}/healthz`, offline, 60_000);
      const response = await fetch(`http://127.0.0.1:${port}/__clerk/v1/environment`);
      expect(response.status).toBe(200);
      await expect.poll(() => offline.output()).toMatch(/GET \/__clerk\/v1\/environment 200 /);
      // The emulator answered before the app did: its line, if it wrote one, is there by now.
      await sleep(300);
      const about = lines(offline.output()).filter((line) => line.includes("/v1/environment"));
      expect(about).toHaveLength(1);
      expect(about[0]).toMatch(/^\[server\] GET \/__clerk\/v1\/environment 200 /);
      // The Backend API calls the app makes (here: the instance's template list at start-up) stay in the log.
      expect(offline.output()).toMatch(/^\[emulator\] GET \/v1\/jwt_templates 200 /m);
    } finally {
      process.kill(-offline.child.pid!, "SIGINT");
      await offline.exited;
    }
  }, 90_000);
});
