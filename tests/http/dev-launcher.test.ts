import { once } from "node:events";
import { readFile, writeFile } from "node:fs/promises";
import { createConnection, createServer, type AddressInfo } from "node:net";
import { parseEnv } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchedEnvFile } from "../../scripts/offline-clerk";
import { freePort, spawnNpm, waitUntilServed } from "../../support/app-server";
import { makeTempDir } from "../../support/temp-dir";

/** The emulators' data dir here: a developer's own (emulator/.data) is left alone. */
let dataDir: Awaited<ReturnType<typeof makeTempDir>>;
beforeAll(async () => {
  dataDir = await makeTempDir();
});
afterAll(() => dataDir.remove());

/** `npm run <script>` with exactly this environment (plus PATH), in its own process group. */
const runScript = (script: string, env: Record<string, string>) =>
  spawnNpm(["run", script], { NODE_ENV: "development", EMULATOR_DATA_DIR: dataDir.dir, ...env });

function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(port, "127.0.0.1");
    socket.once("connect", () => resolve(socket.destroy() !== undefined));
    socket.once("error", () => resolve(false));
  });
}

const runDev = (env: Record<string, string>) => runScript("dev", env);

describe.each(["dev", "start:offline"])("npm run %s", (script) => {
  it("starts the offline emulator and the app, and Ctrl-C stops both", async () => {
    const [port, emulatorPort] = [await freePort(), await freePort()];
    const dev = runScript(script, { PORT: String(port), EMULATOR_PORT: String(emulatorPort) });
    try {
      const page = await waitUntilServed(`http://127.0.0.1:${port}/`, dev, 60_000);
      const html = await page.text();
      expect(html).toContain("Offline emulator — not Clerk");
      expect(html.replace(/<[^>]*>/g, ""), "the banner says how to sign in offline").toContain(
        "Sign in as alice@example.com / alice-password-1 or bob@example.com / bob-password-1, " +
          "or sign up with any email and the code 424242.",
      );
      expect(dev.output()).toContain("OFFLINE CLERK EMULATOR");
      expect(dev.output()).toContain("alice@example.com / alice-password-1");
      expect(await isListening(emulatorPort)).toBe(true);
      // A test folder of one's own copies these lines: its clerkSetup() gets a testing token with them.
      const launched = parseEnv(await readFile(launchedEnvFile(dataDir.dir), "utf8")) as Record<string, string>;
      const testingToken = await fetch(`http://127.0.0.1:${emulatorPort}/v1/testing_tokens`, {
        method: "POST",
        headers: { Authorization: `Bearer ${launched.CLERK_SECRET_KEY}` },
      });
      expect(testingToken.status).toBe(200);
    } finally {
      process.kill(-dev.child.pid!, "SIGINT");
      await dev.exited;
    }
    await expect.poll(() => isListening(port), { timeout: 10_000 }).toBe(false);
    await expect.poll(() => isListening(emulatorPort), { timeout: 10_000 }).toBe(false);
  }, 90_000);
});

describe("npm run dev", () => {
  it("says so clearly when its port is taken", async () => {
    const blocker = createServer().listen(0, "127.0.0.1");
    await once(blocker, "listening");
    const { port } = blocker.address() as AddressInfo;
    try {
      const dev = runDev({ PORT: String(port) });
      const [code] = await dev.exited;
      expect(code).toBe(1);
      expect(dev.output()).toContain(`Port ${port} on 127.0.0.1 is already in use`);
    } finally {
      blocker.close();
    }
  });

  it("says so clearly when the emulator's port is taken, and leaves nothing running", async () => {
    const blocker = createServer().listen(0, "127.0.0.1");
    await once(blocker, "listening");
    const { port: emulatorPort } = blocker.address() as AddressInfo;
    const port = await freePort();
    try {
      const dev = runDev({ PORT: String(port), EMULATOR_PORT: String(emulatorPort) });
      const [code] = await dev.exited;
      expect(code).toBe(1);
      expect(dev.output()).toContain(`Port ${emulatorPort} on 127.0.0.1 is already in use`);
      expect(dev.output()).toContain("set EMULATOR_PORT to another port");
      expect(await isListening(port)).toBe(false);
    } finally {
      blocker.close();
    }
  });

  it("stops with one message naming EMULATOR_PORT or EMULATOR_DATA_DIR when either is unusable", async () => {
    const badPort = runDev({ PORT: String(await freePort()), EMULATOR_PORT: "40x" });
    expect((await badPort.exited)[0]).toBe(1);
    expect(badPort.output()).toContain('EMULATOR_PORT must be a port number from 1 to 65535, such as 4010, not "40x".');
    const file = `${dataDir.dir}/a-file`;
    await writeFile(file, "");
    const badDir = runDev({
      PORT: String(await freePort()),
      EMULATOR_PORT: String(await freePort()),
      EMULATOR_DATA_DIR: `${file}/data`,
    });
    expect((await badDir.exited)[0]).toBe(1);
    expect(badDir.output()).toContain("EMULATOR_DATA_DIR: the emulator's data dir");
    expect(badDir.output()).not.toMatch(/^\s+at /m);
  });

  it("with one key only stops with an error naming the other", async () => {
    const dev = runDev({ CLERK_SECRET_KEY: "sk_live_example", PORT: String(await freePort()) });
    const [code] = await dev.exited;
    expect(code).toBe(1);
    expect(dev.output()).toContain("CLERK_SECRET_KEY is set but CLERK_PUBLISHABLE_KEY is not");
  });

  it("with a malformed key stops with the configuration's message", async () => {
    const dev = runDev({
      CLERK_SECRET_KEY: "not-a-key",
      CLERK_PUBLISHABLE_KEY: "pk_live_bm90LWEta2V5",
      PORT: String(await freePort()),
    });
    const [code] = await dev.exited;
    expect(code).toBe(1);
    expect(dev.output()).toContain("CLERK_SECRET_KEY must start with sk_test_ or sk_live_");
    expect(dev.output()).toContain("CLERK_PUBLISHABLE_KEY is not a valid Clerk publishable key");
  });

  it("with both keys talks to Clerk and leaves the emulator off", async () => {
    const [port, emulatorPort] = [await freePort(), await freePort()];
    const dev = runDev({
      CLERK_SECRET_KEY: "sk_live_example",
      CLERK_PUBLISHABLE_KEY: `pk_live_${Buffer.from("clerk.example.com$").toString("base64")}`,
      PORT: String(port),
      EMULATOR_PORT: String(emulatorPort),
    });
    try {
      const page = await waitUntilServed(`http://127.0.0.1:${port}/healthz`, dev, 60_000);
      expect(page.status).toBe(200);
      expect(dev.output()).not.toContain("OFFLINE CLERK EMULATOR");
      expect(await isListening(emulatorPort)).toBe(false);
    } finally {
      process.kill(-dev.child.pid!, "SIGINT");
      await dev.exited;
    }
  }, 90_000);
});
