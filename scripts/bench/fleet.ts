import type { RunningEmulator } from "../../emulator/src/index";
import { startAppServer, type AppServer } from "../../support/app-server";
import { appEnvFor } from "../../support/clerk-env";
import { getOnNewConnection, inBatches } from "../../support/fleet";
import { startLocalRedis } from "../../support/redis-server";
import { load, type ClerkCallCounter, type Run } from "./load";
import type { Settings } from "./options";
import { markdownTable } from "./report";
import { pairedThroughputRatio, summarize } from "./statistics";

/**
 * The fleet table: Clerk calls per session in one reuse window with 4
 * workers, each keeping its own tokens against sharing them through a local
 * redis-server; and the token route's throughput with 1 and 2 workers.
 */

const FLEET_WORKERS = 4;
const TOKEN_ROUTE = "/api/get-token-example";

/** Every session asks once per worker, all at once, each request on a new connection (so on the next worker). */
async function callsPerSession(server: AppServer, tokens: string[], clerkCalls: ClerkCallCounter) {
  const callsSince = clerkCalls.since();
  const requests = tokens.flatMap((token) => Array<string>(FLEET_WORKERS).fill(token));
  const answers = await inBatches(requests, 10 * FLEET_WORKERS, (token) =>
    getOnNewConnection(`${server.url}${TOKEN_ROUTE}`, { Authorization: `Bearer ${token}` }),
  );
  return { callsPerSession: callsSince() / tokens.length, failed: answers.filter((a) => a.status !== 200).length };
}

export async function measureFleet(
  settings: Settings,
  emulator: RunningEmulator,
  clerkCalls: ClerkCallCounter,
  tokens: { fresh: string[]; main: string[] },
) {
  const redis = await startLocalRedis();
  const servers: AppServer[] = [];
  try {
    console.log(`Fleet: ${FLEET_WORKERS} workers per process, then shared through Redis; 1 and 2 workers…`);
    const fleet = { WEB_CONCURRENCY: String(FLEET_WORKERS) };
    const [perProcess, shared] = await Promise.all([
      startAppServer(appEnvFor(emulator, fleet)),
      startAppServer(appEnvFor(emulator, { ...fleet, REDIS_URL: redis.url })),
    ]);
    servers.push(perProcess, shared);
    // Both servers start with empty caches and see the same sessions for the first time.
    const reuse = {
      perProcess: await callsPerSession(perProcess, tokens.fresh, clerkCalls),
      shared: await callsPerSession(shared, tokens.fresh, clerkCalls),
    };
    await Promise.all(servers.splice(0).map((server) => server.stop()));

    const [one, two] = await Promise.all([
      startAppServer(appEnvFor(emulator, { WEB_CONCURRENCY: "1" })),
      startAppServer(appEnvFor(emulator, { WEB_CONCURRENCY: "2" })),
    ]);
    servers.push(one, two);
    const options = { connections: settings.connections, duration: settings.duration, settleMs: 0, clerkCalls };
    const runs: { one: Run[]; two: Run[] } = { one: [], two: [] };
    for (let round = 0; round <= settings["fleet-rounds"]; round += 1) {
      // Round 0 warms both up (and fills their caches); it is not counted.
      const withOne = await load(`${one.url}${TOKEN_ROUTE}`, tokens.main, { ...options, serverPid: one.pid });
      const withTwo = await load(`${two.url}${TOKEN_ROUTE}`, tokens.main, { ...options, serverPid: two.pid });
      if (round > 0) {
        runs.one.push(withOne);
        runs.two.push(withTwo);
      }
    }
    return {
      workers: FLEET_WORKERS,
      sessions: tokens.fresh.length,
      reuse,
      throughput: { one: summarize(runs.one), two: summarize(runs.two) },
      twoOverOne: pairedThroughputRatio(runs.two, runs.one),
    };
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    await redis.remove();
  }
}

export type FleetFigures = Awaited<ReturnType<typeof measureFleet>>;

export function renderFleet(fleet: FleetFigures, rounds: number): string {
  const { reuse, throughput, twoOverOne } = fleet;
  const rps = (summary: { requestsPerSecond: number }) => summary.requestsPerSecond.toFixed(0);
  return [
    `### Fleet: ${fleet.sessions} sessions, each asking once per worker at once, ${fleet.workers} workers`,
    "",
    markdownTable(
      ["token reuse", "Clerk calls per session per window", "failed"],
      [
        ["per process (no `REDIS_URL`)", reuse.perProcess.callsPerSession.toFixed(3), reuse.perProcess.failed],
        ["shared through Redis (`REDIS_URL`)", reuse.shared.callsPerSession.toFixed(3), reuse.shared.failed],
      ],
    ),
    "",
    `### Token route throughput with 1 and 2 workers (reuse on, ${rounds} alternating rounds)`,
    "",
    markdownTable(
      ["WEB_CONCURRENCY", "requests/s", "p50 ms", "p99 ms", "failed"],
      [
        [
          "1",
          rps(throughput.one),
          throughput.one.p50Ms.toFixed(1),
          throughput.one.p99Ms.toFixed(1),
          throughput.one.failures,
        ],
        [
          "2",
          rps(throughput.two),
          throughput.two.p50Ms.toFixed(1),
          throughput.two.p99Ms.toFixed(1),
          throughput.two.failures,
        ],
      ],
    ),
    "",
    `2 workers ÷ 1, each round's pair back to back: median **${twoOverOne.median.toFixed(2)}** (quartiles ${twoOverOne.lowerQuartile.toFixed(2)}–${twoOverOne.upperQuartile.toFixed(2)}). The load generator and the emulator share the same cores.`,
  ].join("\n");
}
