import { afterEach, describe, expect, it } from "vitest";
import { parseRateLimit, type FaultsInput } from "../src/faults";
import { startTestEmulator, type TestEmulator } from "./support/emulator";

const TOKEN_PATH = "/v1/sessions/sess_seed_alice/tokens/test";

let running: TestEmulator | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

async function emulatorWith(faults: FaultsInput) {
  running = await startTestEmulator({ faults });
  return running.emulator;
}

function call(path: string, init: RequestInit = {}) {
  const { emulator } = running!;
  return fetch(`${emulator.apiUrl}${path}`, {
    method: "POST",
    ...init,
    headers: { Authorization: `Bearer ${emulator.secretKey}`, ...init.headers },
  });
}

describe("injected faults", () => {
  it("answers a share of calls with one of the chosen 5xx statuses, in Clerk's error shape", async () => {
    await emulatorWith({ errorRate: 1, errorStatuses: [503] });
    const response = await call(TOKEN_PATH);
    expect(response.status).toBe(503);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect((await response.json()).errors[0].code).toBe("internal_clerk_error");
  });

  it("rate limits like Clerk: 429 with Retry-After once the window's calls are used, sparing /v1/jwks", async () => {
    await emulatorWith({ rateLimit: parseRateLimit("2/10s") });
    expect((await call(TOKEN_PATH)).status).toBe(200);
    expect((await call(TOKEN_PATH)).status).toBe(200);
    const limited = await call(TOKEN_PATH);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get("retry-after"))).toBeLessThanOrEqual(10);
    expect((await limited.json()).errors[0].code).toBe("too_many_requests");
    expect((await call("/v1/jwks", { method: "GET" })).status).toBe(200);
  });

  it("resets the connection", async () => {
    await emulatorWith({ resetRate: 1 });
    await expect(call(TOKEN_PATH)).rejects.toThrow();
  });

  it("accepts a call and never answers it, and still closes promptly", async () => {
    const emulator = await emulatorWith({ hangRate: 1 });
    await expect(call(TOKEN_PATH, { signal: AbortSignal.timeout(300) })).rejects.toThrow();
    const started = performance.now();
    await emulator.close();
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("answers 200 with a body that is not JSON", async () => {
    await emulatorWith({ notJsonRate: 1 });
    const response = await call(TOKEN_PATH);
    expect(response.status).toBe(200);
    await expect(response.json()).rejects.toThrow();
  });

  it("answers with the wrong Content-Type", async () => {
    await emulatorWith({ wrongContentTypeRate: 1 });
    const response = await call(TOKEN_PATH);
    expect(response.headers.get("content-type")).toBe("text/plain");
    expect(JSON.parse(await response.text()).object).toBe("token");
  });

  it("adds up to jitterMs of delay", async () => {
    await emulatorWith({ jitterMs: 200 });
    const started = performance.now();
    await call(TOKEN_PATH);
    expect(performance.now() - started).toBeLessThan(600);
  });

  it("limits faults to the paths a pattern matches", async () => {
    await emulatorWith({ errorRate: 1, errorStatuses: [500], pathPattern: "^/v1/users/" });
    expect((await call(TOKEN_PATH)).status).toBe(200);
    expect((await call("/v1/users/user_seed_alice", { method: "GET" })).status).toBe(500);
  });

  it("meets only the next `times` calls with the faults, then recovers", async () => {
    await emulatorWith({ errorRate: 1, errorStatuses: [503], times: 1 });
    expect((await call(TOKEN_PATH)).status).toBe(503);
    expect((await call(TOKEN_PATH)).status).toBe(200);
  });

  it("rejects faults it does not know, or rates out of range", async () => {
    running = await startTestEmulator();
    expect(() => running!.emulator.setFaults({ errorRate: 2 })).toThrow();
    expect(() => running!.emulator.setFaults({ explode: true } as FaultsInput)).toThrow();
    expect(() => parseRateLimit("lots")).toThrow(/N\/Ms/);
  });
});

describe("the faults admin endpoint", () => {
  it("requires the secret key", async () => {
    const { emulator } = (running = await startTestEmulator());
    const response = await fetch(`${emulator.apiUrl}/__emulator/faults`, { method: "PUT", body: "{}" });
    expect(response.status).toBe(401);
  });

  it("replaces, shows and clears the faults at run time", async () => {
    running = await startTestEmulator();
    const json = { "Content-Type": "application/json" };
    const put = await call("/__emulator/faults", {
      method: "PUT",
      headers: json,
      body: JSON.stringify({ errorRate: 1 }),
    });
    expect(put.status).toBe(200);
    expect((await call(TOKEN_PATH)).status).toBeGreaterThanOrEqual(500);
    expect((await (await call("/__emulator/faults", { method: "GET" })).json()).errorRate).toBe(1);

    const invalid = await call("/__emulator/faults", { method: "PUT", headers: json, body: '{"errorRate":"often"}' });
    expect(invalid.status).toBe(422);

    expect((await call("/__emulator/faults", { method: "DELETE" })).status).toBe(200);
    expect((await call(TOKEN_PATH)).status).toBe(200);
  });
});
