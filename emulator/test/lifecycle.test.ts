import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { request } from "node:http";
import path from "node:path";
import { verifyToken } from "@clerk/backend";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { startEmulator } from "../src/index";
import { specMissingReason, specValidationTitle, validateEveryResponse } from "./support/clerk-openapi";
import { callBackendApi } from "../../support/backend-api";
import { startTestEmulator } from "./support/emulator";
import { stoppedAfterEachTest } from "./support/stopped-after-each";
import { makeTempDir } from "../../support/temp-dir";
import { CLI, runCli } from "./support/cli";
import { claimsOf } from "./support/frontend-api";

const spec = validateEveryResponse();
const start = stoppedAfterEachTest();

describe("restarts", () => {
  it("keep the instance key and secret key of the data dir, so earlier tokens still verify", async () => {
    const first = await startTestEmulator();
    const { body } = await callBackendApi(first.emulator, "POST", "/v1/sessions/sess_seed_alice/tokens/test");
    await first.emulator.close(); // Keep its data dir for the second start.

    const second = await start({ dataDir: first.dataDir });
    expect(second.emulator.secretKey).toBe(first.emulator.secretKey);
    expect(second.emulator.jwtKey).toBe(first.emulator.jwtKey);
    expect(second.emulator.privateJwk.kid).toBe(first.emulator.privateJwk.kid);

    const jwks = createRemoteJWKSet(new URL(`${second.emulator.apiUrl}/v1/jwks`), {
      headers: { Authorization: `Bearer ${second.emulator.secretKey}` },
    });
    await expect(jwtVerify(body.jwt, jwks)).resolves.toMatchObject({ payload: { sub: "user_seed_alice" } });
    await expect(verifyToken(body.jwt, { jwtKey: second.emulator.jwtKey })).resolves.toMatchObject({
      sub: "user_seed_alice",
    });
  });

  it("honour an explicit secret key over the stored one", async () => {
    const test = await start({ secretKey: "sk_live_explicit_for_this_test" });
    expect(test.emulator.secretKey).toBe("sk_live_explicit_for_this_test");
    expect((await callBackendApi(test.emulator, "GET", "/v1/users/user_seed_alice")).status).toBe(200);
  });

  it("start from the seed each time with persist: false", async () => {
    const first = await start({ persist: false });
    await callBackendApi(first.emulator, "POST", "/v1/sessions/sess_seed_alice/revoke");
    await first.emulator.close();
    const second = await start({ dataDir: first.dataDir, persist: false });
    const { body } = await callBackendApi(second.emulator, "GET", "/v1/sessions/sess_seed_alice");
    expect(body.status).toBe("active");
  });
});

describe("startEmulator", () => {
  it("describes the instance it runs", async () => {
    const { emulator } = await start();
    const port = Number(new URL(emulator.url).port);
    expect(port).toBeGreaterThan(0);
    expect(emulator).toMatchObject({
      url: `http://127.0.0.1:${port}`,
      apiUrl: emulator.url,
      frontendApiHost: `127.0.0.1:${port}`,
      publishableKey: `pk_live_${Buffer.from(`127.0.0.1:${port}$`).toString("base64")}`,
      jwtKey: expect.stringMatching(/^-----BEGIN PUBLIC KEY-----/),
    });
  });

  it("mints session tokens with the configured lifetime", async () => {
    const { emulator } = await start({ sessionTokenLifetimeSeconds: 5 });
    const { body } = await callBackendApi(emulator, "POST", "/v1/sessions/sess_seed_alice/tokens");
    const claims = claimsOf(body.jwt);
    expect(claims.exp - claims.iat).toBe(5);
  });

  it("loads the seed file it is given", async () => {
    const { dir: dataDir } = await makeTempDir("clerk-emulator-seed-");
    const seedFile = path.join(dataDir, "seed.json");
    const seed = {
      users: [{ id: "user_carol", first_name: "Carol", email_address: "carol@example.com" }],
      sessions: [{ id: "sess_carol", user_id: "user_carol", client_id: "client_carol" }],
      jwt_templates: [{ id: "jtmp_carol", name: "carol", claims: { who: "{{user.first_name}}" } }],
    };
    await writeFile(seedFile, JSON.stringify(seed));
    const { emulator } = await start({ dataDir, seedFile });

    const { body } = await callBackendApi(emulator, "POST", "/v1/sessions/sess_carol/tokens/carol");
    expect(claimsOf(body.jwt)).toMatchObject({ who: "Carol" });
    expect((await callBackendApi(emulator, "GET", "/v1/users/user_seed_alice")).status).toBe(404);
  });

  it("says which port is taken", async () => {
    const { emulator, dataDir } = await start();
    const port = Number(new URL(emulator.url).port);
    await expect(startEmulator({ port, dataDir, log: () => {} })).rejects.toMatchObject({
      code: "EADDRINUSE",
      message: `Port ${port} on 127.0.0.1 is already in use.`,
    });
  });

  it("refuses a host without a dot and invalid options", async () => {
    await expect(startEmulator({ host: "localhost", port: 0 })).rejects.toThrow(/must contain a dot/);
    await expect(startEmulator({ port: -1 })).rejects.toThrow(/Invalid emulator options[\s\S]*port/);
    await expect(startEmulator({ port: 0, secretKey: "pk_live_oops" })).rejects.toThrow(/secretKey/);
  });

  it("closes promptly even with a keep-alive connection open", async () => {
    const test = await startTestEmulator();
    await new Promise<void>((resolve, reject) => {
      const req = request(`${test.emulator.url}/v1/jwks`, { headers: { Connection: "keep-alive" } }, (res) => {
        res.resume();
        res.on("end", resolve);
      });
      req.on("error", reject);
      req.end();
    });
    const started = performance.now();
    await test.stop();
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("adds the simulated latency to Backend API calls except /v1/jwks", async () => {
    const { emulator } = await start({ latencyMs: 300 });
    const timed = async (path: string) => {
      const started = performance.now();
      await callBackendApi(emulator, "GET", path);
      return performance.now() - started;
    };
    expect(await timed("/v1/users/user_seed_alice")).toBeGreaterThanOrEqual(295);
    expect(await timed("/v1/jwks")).toBeLessThan(250);
  });
});

describe("the request log", () => {
  it("has one line per request: method, path without query, status, milliseconds; never a token or key", async () => {
    const { emulator, logLines } = await start({ secretKey: "sk_live_log-test_secret" });
    const { body } = await callBackendApi(emulator, "POST", "/v1/sessions/sess_seed_alice/tokens/test");
    await callBackendApi(emulator, "GET", `/v1/jwt_templates?paginated=true&token=${body.jwt}`);
    await callBackendApi(emulator, "POST", `/v1/sessions/${body.jwt}/tokens`);
    await callBackendApi(emulator, "GET", `/v1/users/${emulator.secretKey}`);
    await callBackendApi(emulator, "GET", "/v1/users/user_seed_alice", {
      headers: { Authorization: "Bearer sk_live_wrong" },
    });

    expect(logLines).toEqual([
      expect.stringMatching(/^POST \/v1\/sessions\/sess_seed_alice\/tokens\/test 200 \d+ms$/),
      expect.stringMatching(/^GET \/v1\/jwt_templates 200 \d+ms$/),
      expect.stringMatching(/^POST \/v1\/sessions\/\[redacted\]\/tokens 404 \d+ms$/),
      expect.stringMatching(/^GET \/v1\/users\/\[redacted\] 404 \d+ms$/),
      expect.stringMatching(/^GET \/v1\/users\/user_seed_alice 401 \d+ms$/),
    ]);
    for (const line of logLines) {
      expect(line).not.toMatch(/[\w-]+\.[\w-]+\.[\w-]+/);
      expect(line).not.toContain(emulator.secretKey);
      expect(line).not.toContain("sk_live_");
    }
  });
});

describe("the CLI", () => {
  it("--print-env prints the env of the emulator that the same data dir, host and port give", async () => {
    const { emulator, dataDir } = await start();
    const port = new URL(emulator.url).port;
    const { code, stdout } = await runCli(["--print-env", "--data-dir", dataDir, "--port", port]);
    expect(code).toBe(0);
    expect(stdout.trim().split("\n")).toEqual([
      `CLERK_SECRET_KEY=${emulator.secretKey}`,
      `CLERK_PUBLISHABLE_KEY=${emulator.publishableKey}`,
      `CLERK_API_URL=${emulator.apiUrl}`,
      `CLERK_JWT_KEY="${emulator.jwtKey.replaceAll("\n", "\\n")}"`,
      "OFFLINE_EMULATOR=on",
      "CLERK_PROXY_URL=/__clerk",
      "CLERK_JS=/__clerk/npm/@clerk/clerk-js@5/dist/clerk.browser.js",
    ]);
  });

  it("exits 1 naming the port and --port when the port is taken", async () => {
    const { emulator, dataDir } = await start();
    const port = new URL(emulator.url).port;
    const { code, stderr } = await runCli(["--port", port, "--data-dir", dataDir]);
    expect(code).toBe(1);
    expect(stderr).toContain(`Port ${port} on 127.0.0.1 is already in use`);
    expect(stderr).toContain("--port");
  });

  it("prints the URL, keys and env lines, and stops on SIGTERM", async () => {
    const { dataDir } = await start();
    const child = spawn(process.execPath, ["--import", "tsx", CLI, "--port", "0", "--data-dir", dataDir], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (chunk) => {
        stdout += chunk;
        if (stdout.includes("CLERK_JWT_KEY=")) resolve();
      });
      child.on("error", reject);
      child.on("close", () => reject(new Error(`The CLI exited early: ${stdout}`)));
    });
    const exited = new Promise((resolve) => child.on("close", resolve));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);

    expect(stdout).toMatch(/^Clerk emulator listening on http:\/\/127\.0\.0\.1:\d+$/m);
    expect(stdout).toContain("This is an offline Clerk emulator, not Clerk");
    for (const name of [
      "CLERK_SECRET_KEY=sk_live_",
      "CLERK_PUBLISHABLE_KEY=pk_live_",
      "CLERK_API_URL=http://127.0.0.1:",
      "CLERK_JWT_KEY=",
    ]) {
      expect(stdout).toContain(name);
    }
  });
});

describe.skipIf(specMissingReason !== undefined)(specValidationTitle, () => {
  it("checked the responses of these tests", () => {
    expect(spec.checkedCount()).toBeGreaterThanOrEqual(10);
  });
});
