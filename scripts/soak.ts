/**
 * `npm run soak`: sustained, mixed load on the production server while the
 * emulator injects latency, 5xx answers and rate limits. Bounded in time
 * (default 60 s), on 127.0.0.1 only. Checks that every answer is one the tests
 * define, that the server's memory stays flat once warm (scripts/soak-memory.ts)
 * and that nothing is left unhandled; prints the figures, writes them and every
 * memory sample to bench-results/, and exits 1 if a check fails.
 *
 *   npm run soak -- --duration 60 --connections 20 --sessions 200
 */
import os from "node:os";
import autocannon from "autocannon";
import { startEmulator } from "../emulator/src/index";
import { appEnvFor, mintSessionToken, SEEDED_TEMPLATES } from "../support/clerk-env";
import { sessionClaims, signWithOtherKey, tamper, unsignedToken } from "../support/forge";
import { writeSeedWithSessions } from "../support/seed-sessions";
import { makeTempDir } from "../support/temp-dir";
import { readOptions } from "./command-line";
import { buildApp, writeResults } from "./results";
import { judgeMemory, MIN_WARM_SAMPLES, type MemoryVerdict, SAMPLE_INTERVAL_MS, WARM_AFTER_MS } from "./soak-memory";
import { startSoakServer } from "./soak-server";

const ROUTE = "/api/get-token-example";
/** A template the app allows but the emulator has never heard of: Clerk answers 404. */
const UNKNOWN_TEMPLATE = "not-in-clerk";
/** What a token request may be answered with while Clerk is failing now and then. */
const CLERK_FAULT_ANSWERS = [429, 502, 504];

// Memory is judged from WARM_AFTER_MS on, on at least MIN_WARM_SAMPLES samples (one more for the
// probe's timing): a shorter run could only fail that check. Short runs judge slopes on little data;
// the 60 s default is what the published figures use.
const MIN_DURATION_SECONDS = Math.ceil((WARM_AFTER_MS + (MIN_WARM_SAMPLES + 1) * SAMPLE_INTERVAL_MS) / 1000);

const options = readOptions({
  name: "npm run soak",
  summary:
    "Sustained, mixed load on the production server (built first) while the offline Clerk emulator injects\n" +
    "latency, 5xx answers and rate limits, on 127.0.0.1. Checks every answer and the server's memory, prints the\n" +
    "figures, writes them to bench-results/soak-*.json and exits 1 if a check fails (docs/reliability.md).",
  options: {
    duration: {
      kind: "whole number",
      default: 60,
      min: MIN_DURATION_SECONDS,
      help: `seconds of load, at least ${MIN_DURATION_SECONDS} (memory is judged from ${WARM_AFTER_MS / 1000} s in, on ${MIN_WARM_SAMPLES}+ samples)`,
    },
    connections: { kind: "whole number", default: 20, help: "concurrent connections" },
    sessions: { kind: "whole number", default: 200, help: "signed-in sessions in the mix" },
  },
  examples: ["npm run soak", "npm run soak -- --duration 120 --connections 50 --sessions 1000"],
});
const settings = { durationSeconds: options.duration, connections: options.connections, sessions: options.sessions };

type Kind = { name: string; expected: number[]; path: string; headers: Record<string, string> };

function mixOfRequests(sessionTokens: string[], hostileTokens: string[]): Kind[] {
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const kinds: Kind[] = [];
  sessionTokens.forEach((token, i) => {
    const template = SEEDED_TEMPLATES[i % SEEDED_TEMPLATES.length]!;
    kinds.push({
      name: "token",
      expected: [200, ...CLERK_FAULT_ANSWERS],
      path: `${ROUTE}?template=${template}`,
      headers: bearer(token),
    });
    // Every fifth asks for a fresh token, so Clerk (and its faults) are met all along.
    if (i % 5 === 0) {
      kinds.push({
        name: "fresh token",
        expected: [200, ...CLERK_FAULT_ANSWERS],
        path: ROUTE,
        headers: { ...bearer(token), "cache-control": "no-cache" },
      });
    }
    if (i % 10 === 0) {
      kinds.push({
        name: "unknown template",
        expected: [404, ...CLERK_FAULT_ANSWERS],
        path: `${ROUTE}?template=${UNKNOWN_TEMPLATE}`,
        headers: bearer(token),
      });
      kinds.push({
        name: "bad template",
        expected: [400],
        path: `${ROUTE}?template=..%2Fusers`,
        headers: bearer(token),
      });
      kinds.push({ name: "signed out", expected: [401], path: ROUTE, headers: {} });
    }
  });
  for (const token of hostileTokens)
    kinds.push({ name: "hostile token", expected: [401], path: ROUTE, headers: bearer(token) });
  return kinds;
}

/** Where the figures were taken: the machine is shared, so its load average as the load ends says how busy it was. */
function machine() {
  const cpus = os.cpus();
  return { cpus: cpus.length, model: cpus[0]?.model, node: process.version, loadAverage: os.loadavg() };
}

function printMemory(memory: Omit<MemoryVerdict, "checks">) {
  const { heapAfterGcMb: heap, externalAfterGcMb: external, rssMb: rss } = memory;
  console.log(`Server pid ${memory.serverPid}: ${memory.samples} samples, ${memory.warmSamples} once warm`);
  console.log(
    `Heap after full GC MB: warm ${heap.warm}, end ${heap.end} (${heap.slopeMbPerMinute} MB/min); ` +
      `external MB: warm ${external.warm}, end ${external.end} (${external.slopeMbPerMinute} MB/min)`,
  );
  console.log(
    `RSS MB: median ${rss.secondQuarterMedian} in the second quarter, ${rss.lastQuarterMedian} in the last ` +
      `(growth ${rss.growth}); peak ${rss.peak}`,
  );
}

async function main() {
  buildApp();

  const temp = await makeTempDir("rct-soak-");
  const { seedFile, sessions } = await writeSeedWithSessions(temp.dir, settings.sessions);
  const emulator = await startEmulator({
    port: 0,
    dataDir: temp.dir,
    seedFile,
    // Tokens minted up front stay valid for the whole run.
    sessionTokenLifetimeSeconds: settings.durationSeconds + 600,
    latencyMs: 20,
    faults: {
      jitterMs: 30,
      errorRate: 0.05,
      errorStatuses: [500, 502, 503],
      rateLimit: { requests: 100, windowSeconds: 10 },
      pathPattern: "^/v1/sessions/[^/]+/tokens/",
    },
    log: () => {},
  });
  const app = await startSoakServer(
    appEnvFor(emulator, {
      CLERK_JWT_TEMPLATES: [...SEEDED_TEMPLATES, UNKNOWN_TEMPLATE].join(","),
      CLERK_API_TIMEOUT_MS: "2000",
    }),
    temp.dir,
  );

  try {
    const sessionIds = ["sess_seed_alice", "sess_seed_bob", ...sessions.map((session) => session.sessionId)];
    const sessionTokens = await Promise.all(sessionIds.map((id) => mintSessionToken(emulator, id)));
    const claims = sessionClaims(emulator.frontendApiHost);
    const hostileTokens = [
      unsignedToken(emulator.privateJwk.kid, claims),
      tamper(sessionTokens[0]!),
      await signWithOtherKey(emulator.privateJwk.kid, claims),
      "not.a.jwt",
    ];
    const kinds = mixOfRequests(sessionTokens, hostileTokens);

    const statusCounts: Record<string, number> = {};
    const unexpected: Array<{ kind: string; status: number }> = [];
    console.log(
      `Soaking ${app.url} for ${settings.durationSeconds} s: ${kinds.length} request kinds, ${settings.connections} connections…`,
    );
    console.log(`Server: pid ${app.pid}, ${app.command}`);
    const loadStartMs = Date.now();
    const result = await autocannon({
      url: app.url,
      connections: settings.connections,
      duration: settings.durationSeconds,
      requests: kinds.map((kind) => ({
        method: "GET",
        path: kind.path,
        headers: kind.headers,
        onResponse: (status: number, body: string) => {
          statusCounts[status] = (statusCounts[status] ?? 0) + 1;
          const isJson = body.startsWith("{");
          if ((!kind.expected.includes(status) || !isJson) && unexpected.length < 100)
            unexpected.push({ kind: kind.name, status });
        },
      })),
    });

    const load = { serverPid: app.pid, startMs: loadStartMs, endMs: Date.now() };
    const samples = app.samples();
    const { checks: memoryChecks, ...memory } = judgeMemory(samples, load);
    const last = samples.filter((sample) => sample.pid === app.pid).at(-1);
    if (!last) throw new Error(`The server (pid ${app.pid}) reported no probe samples:\n${app.output()}`);
    const figures = {
      date: new Date(load.startMs).toISOString(),
      machine: machine(),
      server: { pid: app.pid, command: app.command },
      settings,
      requests: result.requests.total,
      requestsPerSecond: result.requests.average,
      errors: result.errors,
      timeouts: result.timeouts,
      statusCounts,
      unexpectedResponses: unexpected.length,
      unexpectedExamples: unexpected.slice(0, 10),
      memory,
      eventLoopDelayP99Ms: Number(last.loopDelayP99Ms.toFixed(1)),
      unhandledRejections: last.unhandledRejections,
      uncaughtExceptions: last.uncaughtExceptions,
    };
    const checks: Array<[string, boolean]> = [
      [
        "every answer is one the tests define",
        figures.unexpectedResponses === 0 && result.errors === 0 && result.timeouts === 0,
      ],
      ...memoryChecks.map((check): [string, boolean] => [check.name, check.passed]),
      [
        "no unhandled rejections or uncaught exceptions",
        figures.unhandledRejections === 0 && figures.uncaughtExceptions === 0,
      ],
    ];

    console.log("\nAnswers by status:", statusCounts);
    console.log(
      `Requests: ${figures.requests} (${figures.requestsPerSecond.toFixed(0)}/s), connection errors ${result.errors}, timeouts ${result.timeouts}`,
    );
    printMemory(memory);
    console.log(
      `Event-loop delay p99: ${figures.eventLoopDelayP99Ms} ms; unhandled rejections ${figures.unhandledRejections}; uncaught exceptions ${figures.uncaughtExceptions}`,
    );
    if (unexpected.length) console.log("Unexpected answers (first 10):", figures.unexpectedExamples);
    for (const [name, passed] of checks) console.log(`${passed ? "PASS" : "FAIL"}  ${name}`);

    await writeResults("soak", { ...figures, checks: Object.fromEntries(checks), samples });
    process.exitCode = checks.every(([, passed]) => passed) ? 0 : 1;
  } finally {
    await app.stop();
    await emulator.close();
    await temp.remove();
  }
}

await main();
