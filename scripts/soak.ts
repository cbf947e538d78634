/**
 * `npm run soak`: sustained, mixed load on the production server while the
 * emulator injects latency, 5xx answers and rate limits. Bounded in time
 * (default 60 s), on 127.0.0.1 only. Checks that every answer is one the route
 * defines, that the server's memory stays flat once warm (scripts/soak-memory.ts)
 * and that nothing is left unhandled; reports Clerk's calls per session,
 * counted at the emulator; prints the figures, writes them and every memory
 * sample to bench-results/, and exits 1 if a check fails. With --fleet, the
 * server is 2 workers sharing through Redis, disrupted mid-load (scripts/soak-fleet.ts).
 *
 *   npm run soak -- --duration 60 --connections 20 --sessions 200 [--fleet]
 */
import os from "node:os";
import autocannon from "autocannon";
import { reusableForMs } from "../app/utils/tokens/cache.server";
import { startEmulator } from "../emulator/src/index";
import { freePort } from "../support/app-server";
import { templateTokenCallLog } from "../support/clerk-calls";
import { appEnvFor, mintSessionToken, SEEDED_TEMPLATES } from "../support/clerk-env";
import { sessionClaims, signWithOtherKey, tamper, unsignedToken } from "../support/forge";
import { assertRedisServerInstalled, startLocalRedis } from "../support/redis-server";
import { writeSeedWithSessions } from "../support/seed-sessions";
import { makeTempDir } from "../support/temp-dir";
import { failOption, readOptions } from "./command-line";
import { buildApp, writeResults } from "./results";
import { judgeMemory, MIN_WARM_SAMPLES, SAMPLE_INTERVAL_MS, WARM_AFTER_MS } from "./soak-memory";
import {
  clerkCallFigures,
  mixOfRequests,
  noticeLostRequests,
  REQUEST_TIMEOUT_SECONDS,
  UNKNOWN_TEMPLATE,
  type Kind,
  type LostRequest,
} from "./soak-mix";
import * as fleet from "./soak-fleet";
import { printChecks, printClerkCalls, printMemory } from "./soak-report";
import { startSoakServer } from "./soak-server";

// Memory is judged from WARM_AFTER_MS on, on at least MIN_WARM_SAMPLES samples (one more for the
// probe's timing): a shorter run could only fail that check. Short runs judge slopes on little data;
// the 60 s default is what the published figures use.
const SHORTEST_RUN_SECONDS = Math.ceil((WARM_AFTER_MS + (MIN_WARM_SAMPLES + 1) * SAMPLE_INTERVAL_MS) / 1000);
const SHORTEST_FLEET_RUN_SECONDS = fleet.shortestFleetRunSeconds(SHORTEST_RUN_SECONDS);
// The surviving worker's heap steps up once as Redis goes down and comes back (new code paths, not a
// leak): over 60 s that step read as 3.0–4.2 MB/min, over 120 s 0.85 and over 180 s 0.42 (0.49 without
// the fleet-wide budget that added those paths). docs/reliability.md, 3 Dec 2026.
const FLEET_DEFAULT_SECONDS = 120;

const SOAK = {
  name: "npm run soak",
  summary:
    "Sustained, mixed load on the production server (built first) while the offline Clerk emulator injects\n" +
    "latency, 5xx answers and rate limits, on 127.0.0.1. Checks every answer and the server's memory, reports\n" +
    "Clerk calls per session, writes the figures to bench-results/soak-*.json and exits 1 if a check fails\n" +
    "(docs/reliability.md).",
  options: {
    duration: {
      kind: "whole number",
      default: 60,
      min: SHORTEST_RUN_SECONDS,
      defaultWith: { fleet: FLEET_DEFAULT_SECONDS },
      help: `seconds of load: at least ${SHORTEST_RUN_SECONDS}, or ${SHORTEST_FLEET_RUN_SECONDS} with --fleet (memory is judged from ${WARM_AFTER_MS / 1000} s in)`,
    },
    connections: { kind: "whole number", default: 20, help: "concurrent connections" },
    sessions: { kind: "whole number", default: 200, help: "signed-in sessions in the mix" },
    fleet: {
      kind: "switch",
      help:
        `${fleet.FLEET_WORKERS} workers sharing through a redis-server of their own; mid-load: a worker killed, Redis\n` +
        "paused for writes 300 ms, Redis restarted, a session revoked (its signed webhook)",
    },
  },
  examples: [
    "npm run soak",
    "npm run soak -- --fleet",
    "npm run soak -- --duration 120 --connections 50 --sessions 1000",
  ],
} as const;

const options = readOptions(SOAK);
if (options.fleet && options.duration < SHORTEST_FLEET_RUN_SECONDS)
  failOption(
    SOAK,
    `--duration must be a whole number of at least ${SHORTEST_FLEET_RUN_SECONDS} with --fleet, not "${options.duration}".`,
  );
const settings = {
  durationSeconds: options.duration,
  connections: options.connections,
  sessions: options.sessions,
  fleet: options.fleet,
};

/** Where the figures were taken: the machine is shared, so its load average as the load ends says how busy it was. */
function machine() {
  const cpus = os.cpus();
  return { cpus: cpus.length, model: cpus[0]?.model, node: process.version, loadAverage: os.loadavg() };
}

async function main() {
  if (settings.fleet) assertRedisServerInstalled();
  buildApp();

  const temp = await makeTempDir("rct-soak-");
  // One session more than the mix: with --fleet, the one revoked mid-load.
  const seed = await writeSeedWithSessions(temp.dir, settings.sessions + 1);
  const clerkCalls = templateTokenCallLog();
  const webhookLines: string[] = [];
  const port = await freePort();
  const redis = settings.fleet ? await startLocalRedis() : undefined;
  const emulator = await startEmulator({
    port: 0,
    dataDir: temp.dir,
    seedFile: seed.seedFile,
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
    log: (line) => {
      clerkCalls.log(line);
      if (line.startsWith("WEBHOOK ")) webhookLines.push(line);
    },
    webhooks: settings.fleet ? { url: `http://127.0.0.1:${port}/api/webhooks/clerk` } : undefined,
  });
  const app = await startSoakServer(
    appEnvFor(emulator, {
      CLERK_JWT_TEMPLATES: [...SEEDED_TEMPLATES, UNKNOWN_TEMPLATE].join(","),
      CLERK_API_TIMEOUT_MS: "2000",
      ...(redis && fleet.fleetEnv(redis)),
    }),
    temp.dir,
    port,
  );

  try {
    if (settings.fleet) await fleet.untilFleetServes(app);
    const sessionIds = ["sess_seed_alice", "sess_seed_bob", ...seed.sessions.map((session) => session.sessionId)];
    const sessions = await Promise.all(
      sessionIds.map(async (sessionId) => ({ sessionId, token: await mintSessionToken(emulator, sessionId) })),
    );
    const revoked = sessions.pop()!;
    const claims = sessionClaims(emulator.frontendApiHost);
    const hostileTokens = [
      unsignedToken(emulator.privateJwk.kid, claims),
      tamper(sessions[0]!.token),
      await signWithOtherKey(emulator.privateJwk.kid, claims),
      "not.a.jwt",
    ];
    const kinds = mixOfRequests(sessions, hostileTokens);
    // Every worker reuses the revoked session's token before the load: the webhook must drop it everywhere.
    const revokedBeforeLoad = settings.fleet ? await fleet.askOnEveryWorker(app, revoked) : undefined;

    const statusCounts: Record<string, number> = {};
    const unexpected: Array<{ kind: string; status: number }> = [];
    const reuseWindowMsByTemplate = new Map<string, number>();
    const noteReuseWindow = (kind: Kind, body: string) => {
      const template = kind.reuses?.template;
      if (template && !reuseWindowMsByTemplate.has(template))
        reuseWindowMsByTemplate.set(
          template,
          reusableForMs((JSON.parse(body) as { token: { jwt: string } }).token.jwt),
        );
    };
    console.log(
      `Soaking ${app.url} for ${settings.durationSeconds} s: ${kinds.length} request kinds, ${settings.connections} connections…`,
    );
    console.log(`Server: pid ${app.pid}, ${app.command}${settings.fleet ? `, ${fleet.FLEET_WORKERS} workers` : ""}`);
    const loadStartMs = Date.now();
    // When each unanswered request was sent, in ms after the load started.
    const lostRequests: LostRequest[] = [];
    const lose = ({ why, sentAtMs }: LostRequest) => lostRequests.push({ why, sentAtMs: sentAtMs - loadStartMs });
    const load = autocannon({
      url: app.url,
      connections: settings.connections,
      duration: settings.durationSeconds,
      timeout: REQUEST_TIMEOUT_SECONDS,
      setupClient: noticeLostRequests(lose),
      requests: kinds.map((kind) => ({
        method: "GET",
        path: kind.path,
        headers: kind.headers,
        onResponse: (status: number, body: string) => {
          statusCounts[status] = (statusCounts[status] ?? 0) + 1;
          const isJson = body.startsWith("{");
          if ((!kind.expected.includes(status) || !isJson) && unexpected.length < 100)
            unexpected.push({ kind: kind.name, status });
          if (status === 200 && isJson) noteReuseWindow(kind, body);
        },
      })),
    });
    load.on("reqError", (error) => {
      // Connection errors are noticed as the connection is made again; a timeout only here.
      if (error.message === "request timed out")
        lose({ why: "timed out", sentAtMs: Date.now() - REQUEST_TIMEOUT_SECONDS * 1000 });
    });
    const disruptions = settings.fleet
      ? fleet.disruptFleet({
          loadStartMs,
          durationMs: settings.durationSeconds * 1000,
          app,
          redis: redis!,
          emulator,
          revoked,
          webhookLines: () => [...webhookLines],
        })
      : undefined;
    const result = await load;
    const events = await disruptions;
    const window = { serverPid: app.pid, startMs: loadStartMs, endMs: Date.now() };

    const samples = app.samples();
    const calls = clerkCallFigures(kinds, clerkCalls.calls, reuseWindowMsByTemplate, window.endMs - window.startMs);
    const figures = {
      date: new Date(window.startMs).toISOString(),
      machine: machine(),
      server: { pid: app.pid, command: app.command },
      settings,
      requests: result.requests.total,
      requestsPerSecond: result.requests.average,
      latencyMs: result.latency,
      errors: result.errors,
      timeouts: result.timeouts,
      statusCounts,
      unexpectedResponses: unexpected.length,
      unexpectedExamples: unexpected.slice(0, 10),
      lostRequests,
      clerkCalls: calls,
    };
    // With --fleet, requests lost with the killed worker are judged on their own (scripts/soak-fleet.ts).
    const answersChecked: [string, boolean] = settings.fleet
      ? ["every answer is one the route defines", unexpected.length === 0]
      : [
          "every answer is one the route defines, and every request is answered",
          unexpected.length === 0 && lostRequests.length === 0 && result.errors === 0 && result.timeouts === 0,
        ];
    console.log("\nAnswers by status:", statusCounts);
    console.log(
      `Requests: ${figures.requests} (${figures.requestsPerSecond.toFixed(0)}/s), latency p50 ${result.latency.p50} ms, ` +
        `p99 ${result.latency.p99} ms, max ${result.latency.max} ms; unanswered ${lostRequests.length} (connection errors ${result.errors}, timeouts ${result.timeouts})`,
    );
    printClerkCalls(calls);
    if (unexpected.length) console.log("Unexpected answers (first 10):", figures.unexpectedExamples);

    let results: object;
    let checks: Array<[string, boolean]>;
    if (events) {
      const judged = fleet.judgeFleet({ app, events, samples, window, lostRequests, settings, revokedBeforeLoad });
      checks = [answersChecked, ...judged.checks];
      results = { ...figures, fleet: judged.figures };
    } else {
      const { checks: memoryChecks, ...memory } = judgeMemory(samples, window);
      const last = samples.filter((sample) => sample.pid === app.pid).at(-1);
      if (!last) throw new Error(`The server (pid ${app.pid}) reported no probe samples:\n${app.output()}`);
      const server = {
        memory,
        eventLoopDelayP99Ms: Number(last.loopDelayP99Ms.toFixed(1)),
        unhandledRejections: last.unhandledRejections,
        uncaughtExceptions: last.uncaughtExceptions,
      };
      checks = [
        answersChecked,
        ...memoryChecks.map((check): [string, boolean] => [check.name, check.passed]),
        [
          "no unhandled rejections or uncaught exceptions",
          server.unhandledRejections === 0 && server.uncaughtExceptions === 0,
        ],
      ];
      printMemory("Server", memory.samples, memory);
      console.log(
        `Event-loop delay p99: ${server.eventLoopDelayP99Ms} ms; unhandled rejections ${server.unhandledRejections}; uncaught exceptions ${server.uncaughtExceptions}`,
      );
      results = { ...figures, ...server };
    }
    printChecks(checks);
    await writeResults(settings.fleet ? "soak-fleet" : "soak", {
      ...results,
      checks: Object.fromEntries(checks),
      samples,
    });
    process.exitCode = checks.every(([, passed]) => passed) ? 0 : 1;
  } finally {
    await app.stop();
    await emulator.close();
    await redis?.remove();
    await temp.remove();
  }
}

await main();
