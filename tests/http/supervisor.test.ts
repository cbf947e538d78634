import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, REPO_ROOT, spawnCaptured, startAppServer, type AppServer } from "../../support/app-server";
import { appEnvFor, mintSessionToken } from "../../support/clerk-env";
import { getOnNewConnection, serverProcesses } from "../../support/fleet";
import { makeTempDir } from "../../support/temp-dir";
import { startTestEmulator, type TestEmulator } from "../support/emulator";

/**
 * The `WEB_CONCURRENCY` primary (server/cluster.ts) keeps N workers: a worker
 * that exits for any reason while the fleet is not stopping is replaced, a
 * replacement that dies while starting never stops the healthy ones, and only
 * a fleet that never served gives up (docs/decisions/016-node-cluster-workers.md).
 */

const WORKERS = 3;
const ROUTE = "/api/get-token-example";
const ALL_SERVING = `All ${WORKERS} workers are serving.`;

let emulator: TestEmulator;
let fleet: AppServer;
let sessionToken: string;
/**
 * The first generation: each test's first victim is one of them, so that each
 * meets a worker slot with no history (the back-off is kept per slot).
 */
let firstGeneration: number[];

beforeAll(async () => {
  emulator = await startTestEmulator();
  fleet = await startAppServer(appEnvFor(emulator, { WEB_CONCURRENCY: String(WORKERS) }));
  sessionToken = await mintSessionToken(emulator, "sess_seed_alice");
  firstGeneration = workers();
}, 60_000);

afterAll(async () => {
  await fleet?.stop();
  await emulator?.stop();
});

const workers = () => serverProcesses(fleet.pid).workers;
const timesLogged = (line: string) => fleet.output().split(line).length - 1;

/** Polls until `condition` holds; how long that took. */
async function within(timeoutMs: number, what: string, condition: () => boolean): Promise<number> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > timeoutMs)
      throw new Error(`Not ${what} within ${timeoutMs} ms:\n${fleet.output()}`);
    await sleep(10);
  }
  return performance.now() - started;
}

/** The worker the primary starts next (not one of `known`), as soon as its process exists: long before it listens. */
async function nextWorker(known: number[], timeoutMs: number): Promise<{ pid: number; startedAt: number }> {
  let pid: number | undefined;
  await within(timeoutMs, "a new worker started", () => {
    pid = workers().find((worker) => !known.includes(worker));
    return pid !== undefined;
  });
  return { pid: pid!, startedAt: performance.now() };
}

/** Asks the token route on new connections, one after another, until `stop` resolves; every answer's status. */
async function askUntil(stop: Promise<unknown>): Promise<Array<number | string>> {
  let stopped = false;
  const done = () => (stopped = true);
  stop.then(done, done);
  const statuses: Array<number | string> = [];
  while (!stopped) {
    const answer = await getOnNewConnection(`${fleet.url}${ROUTE}`, { Authorization: `Bearer ${sessionToken}` }).then(
      ({ status }) => status,
      (error: Error) => error.message,
    );
    statuses.push(answer);
  }
  return statuses;
}

/** Kills a worker with SIGKILL before it can listen, checks the primary saw it that way, and returns its pid. */
async function killWhileStarting(known: number[], timeoutMs: number) {
  const started = await nextWorker(known, timeoutMs);
  process.kill(started.pid, "SIGKILL");
  const killedAt = performance.now();
  await within(5000, "logged", () => fleet.output().includes(`Worker ${started.pid} was killed by SIGKILL before`));
  return { ...started, killedAt };
}

describe(`a fleet of ${WORKERS} workers`, () => {
  it("replaces a worker that exits with code 0 after a SIGTERM, serving again within 5 s", async () => {
    expect(workers()).toEqual(firstGeneration);
    expect(firstGeneration).toHaveLength(WORKERS);
    const victim = firstGeneration[0]!;
    const servedBefore = timesLogged(ALL_SERVING);
    process.kill(victim, "SIGTERM");
    const tookMs = await within(5000, "back to all workers serving", () => timesLogged(ALL_SERVING) > servedBefore);
    console.log(`SIGTERM to one worker: all ${WORKERS} serving again after ${Math.round(tookMs)} ms`);
    expect(fleet.output()).toContain(`Worker ${victim} exited with code 0; starting a replacement.`);
    const after = workers();
    expect(after).toHaveLength(WORKERS);
    expect(after).not.toContain(victim);
  });

  it("keeps the others serving when a replacement is killed before it listens, and gets back to N", async () => {
    const before = workers();
    const servedBefore = timesLogged(ALL_SERVING);
    process.kill(firstGeneration[1]!, "SIGKILL");
    const replacement = await killWhileStarting(before, 5000);
    const backToN = within(15_000, "back to all workers serving", () => timesLogged(ALL_SERVING) > servedBefore);
    const statuses = await askUntil(backToN);
    await backToN;
    expect(statuses.length).toBeGreaterThan(5);
    expect(statuses).toEqual(Array(statuses.length).fill(200));
    const after = workers();
    expect(after).toHaveLength(WORKERS);
    expect(after).not.toContain(replacement.pid);
  });

  it("backs off a crash loop, 1 s then 2 s then 4 s, with one log line each, while the others serve", async () => {
    const servedBefore = timesLogged(ALL_SERVING);
    const linesBefore = fleet.output().split("\n").length;
    const healthy = workers();
    const victim = firstGeneration[2]!;
    process.kill(victim, "SIGKILL");
    // Requests start once the primary knows: a connection handed to a dying worker is lost with it (node:cluster).
    let killed = await killWhileStarting(healthy, 5000);
    let known = [...healthy, killed.pid];
    const waits: number[] = [];
    const loop = (async () => {
      for (let i = 0; i < 2; i += 1) {
        const next = await killWhileStarting(known, 10_000);
        waits.push(next.startedAt - killed.killedAt);
        known = [...known, next.pid];
        killed = next;
      }
      // The third is left to start.
      const last = await nextWorker(known, 10_000);
      waits.push(last.startedAt - killed.killedAt);
      await within(15_000, "back to all workers serving", () => timesLogged(ALL_SERVING) > servedBefore);
    })();
    const statuses = await askUntil(loop);
    await loop;
    console.log(`Crash loop: replacements started after ${waits.map((ms) => Math.round(ms)).join(", ")} ms`);
    // Each wait runs from the moment the test killed the last one: the back-off, plus up to 2 s of slack.
    [1000, 2000, 4000].forEach((backOff, i) => {
      expect(waits[i]).toBeGreaterThanOrEqual(backOff);
      expect(waits[i]).toBeLessThan(backOff + 2000);
    });
    const newLines = fleet
      .output()
      .split("\n")
      .slice(linesBefore - 1);
    const replaced = newLines.filter((line) => line.startsWith("[primary] [cluster] Worker "));
    expect(replaced).toEqual([
      expect.stringMatching(/was killed by SIGKILL; starting a replacement\.$/),
      expect.stringMatching(/killed by SIGKILL before it could serve; starting a replacement in 1 s\.$/),
      expect.stringMatching(/killed by SIGKILL before it could serve; starting a replacement in 2 s\.$/),
      expect.stringMatching(/killed by SIGKILL before it could serve; starting a replacement in 4 s\.$/),
    ]);
    expect(statuses).toEqual(Array(statuses.length).fill(200));
    expect(workers()).toEqual(expect.arrayContaining(healthy.filter((pid) => pid !== victim)));
    expect(workers()).toHaveLength(WORKERS);
  }, 40_000);
});

describe("a fleet that never served", () => {
  it("stops at its first worker's failure (a bad build), says why once and exits 1 without retrying", async () => {
    // The server as built, run from a folder whose Remix build (build/index.js, read from the
    // working directory) throws as it loads: the primary starts, its first worker cannot.
    const checkout = await makeTempDir("rct-bad-build-");
    try {
      mkdirSync(path.join(checkout.dir, "build"));
      writeFileSync(path.join(checkout.dir, "build/index.js"), 'throw new Error("This build is broken.");\n');
      const server = spawnCaptured(
        process.execPath,
        [path.join(REPO_ROOT, "build/server.js")],
        { ...appEnvFor(emulator, { WEB_CONCURRENCY: "3" }), PORT: String(await freePort()), HOST: "127.0.0.1" },
        { detached: false, cwd: checkout.dir },
      );
      const [code] = await server.exited;
      const output = server.output();
      expect(code).toBe(1);
      expect(output.split("Error: This build is broken.")).toHaveLength(2);
      expect(output).toMatch(/\[cluster\] Worker \d+ exited with code 1 before it could serve; stopping\./);
      expect(output).not.toContain("replacement");
    } finally {
      await checkout.remove();
    }
  });
});
