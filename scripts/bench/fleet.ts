import { createClient } from "redis";
import type { RunningEmulator } from "../../emulator/src/index";
import { startAppServer, type AppServer } from "../../support/app-server";
import { appEnvFor } from "../../support/clerk-env";
import { startLocalRedis } from "../../support/redis-server";
import { load, type ClerkCallCounter, type Run } from "./load";
import type { Settings } from "./options";
import { markdownTable } from "./report";
import { pairedThroughputRatio, percentile, summarize } from "./statistics";

/**
 * The fleet table: the hard case of shared reuse (issue 20). A fleet of 4
 * workers started cold, under load from the moment it serves, with more
 * connections than cores, at default settings: once sharing through a local
 * redis-server, once each worker keeping its own tokens, taking turns. Then
 * the token route's throughput with 1 and 2 workers.
 */

export const FLEET_WORKERS = 4;
/** Seconds of load on a cold fleet: the 6 s. */
export const COLD_LOAD_SECONDS = 6;
/** Cold starts of each fleet, taking turns: every one must hold the calls-per-session target. */
const COLD_ROUNDS = 3;
const TOKEN_ROUTE = "/api/get-token-example";

export interface ColdRun extends Run {
  callsPerSession: number;
  p99Ms: number;
}

/**
 * Drives a fleet's token route from now on (call it the moment all its
 * workers serve): `connections` connections for `seconds`, the requests taking
 * the sessions in turn, so every session reaches every worker. Clerk calls per
 * session count every template-token call the emulator served meanwhile.
 */
export async function loadFromTheStart(
  server: AppServer,
  tokens: string[],
  options: { connections: number; seconds: number; clerkCalls: ClerkCallCounter },
): Promise<ColdRun> {
  const run = await load(`${server.url}${TOKEN_ROUTE}`, tokens, {
    connections: options.connections,
    duration: options.seconds,
    // Calls still under way when the load stops belong to this run.
    settleMs: 200,
    clerkCalls: options.clerkCalls,
  });
  return { ...run, callsPerSession: run.clerkCalls / tokens.length, p99Ms: percentile(run.latenciesMs, 0.99) };
}

/** Starts a fleet of FLEET_WORKERS cold, loads it from the start, and stops it. */
export async function coldFleetRun(
  env: Record<string, string>,
  tokens: string[],
  options: { connections: number; seconds: number; clerkCalls: ClerkCallCounter },
): Promise<ColdRun> {
  const server = await startAppServer({ ...env, WEB_CONCURRENCY: String(FLEET_WORKERS) });
  try {
    return await loadFromTheStart(server, tokens, options);
  } finally {
    await server.stop();
  }
}

/** Empties Redis: each shared fleet starts as cold as the one without Redis. */
async function flush(url: string) {
  const client = createClient({ url });
  await client.connect();
  try {
    await client.flushAll();
  } finally {
    await client.destroy();
  }
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
    console.log(
      `Fleet: ${FLEET_WORKERS} cold workers under load from the start, shared through Redis and not, ${COLD_ROUNDS} rounds…`,
    );
    const cold = { connections: Math.max(40, settings.connections), seconds: COLD_LOAD_SECONDS, clerkCalls };
    const runs: { shared: ColdRun[]; perProcess: ColdRun[] } = { shared: [], perProcess: [] };
    for (let round = 0; round < COLD_ROUNDS; round += 1) {
      const shared = async () => {
        await flush(redis.url);
        runs.shared.push(await coldFleetRun(appEnvFor(emulator, { REDIS_URL: redis.url }), tokens.fresh, cold));
      };
      const perProcess = async () => {
        runs.perProcess.push(await coldFleetRun(appEnvFor(emulator), tokens.fresh, cold));
      };
      // Taking turns at going first, so a drift of the machine's speed favours neither.
      for (const variant of round % 2 === 0 ? [shared, perProcess] : [perProcess, shared]) await variant();
    }

    const [one, two] = await Promise.all([
      startAppServer(appEnvFor(emulator, { WEB_CONCURRENCY: "1" })),
      startAppServer(appEnvFor(emulator, { WEB_CONCURRENCY: "2" })),
    ]);
    servers.push(one, two);
    const options = { connections: settings.connections, duration: settings.duration, settleMs: 0, clerkCalls };
    const scaling: { one: Run[]; two: Run[] } = { one: [], two: [] };
    for (let round = 0; round <= settings["fleet-rounds"]; round += 1) {
      // Round 0 warms both up (and fills their caches); it is not counted.
      const withOne = await load(`${one.url}${TOKEN_ROUTE}`, tokens.main, { ...options, serverPid: one.pid });
      const withTwo = await load(`${two.url}${TOKEN_ROUTE}`, tokens.main, { ...options, serverPid: two.pid });
      if (round > 0) {
        scaling.one.push(withOne);
        scaling.two.push(withTwo);
      }
    }
    return {
      workers: FLEET_WORKERS,
      sessions: tokens.fresh.length,
      connections: cold.connections,
      seconds: cold.seconds,
      cold: runs,
      sharedOverPerProcess: pairedThroughputRatio(runs.shared, runs.perProcess),
      throughput: { one: summarize(scaling.one), two: summarize(scaling.two) },
      twoOverOne: pairedThroughputRatio(scaling.two, scaling.one),
    };
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    await redis.remove();
  }
}

export type FleetFigures = Awaited<ReturnType<typeof measureFleet>>;

/** The targets for the cold fleet, each judged on every round. */
export function judgeFleet({ cold }: Pick<FleetFigures, "cold">) {
  const rounds = cold.shared.map((shared, round) => ({ shared, perProcess: cold.perProcess[round]! }));
  const worst = (values: number[]) => values.reduce((a, b) => Math.max(a, b), -Infinity);
  const least = (values: number[]) => values.reduce((a, b) => Math.min(a, b), Infinity);
  const calls = worst(rounds.map(({ shared }) => shared.callsPerSession));
  const served = least(rounds.map(({ shared, perProcess }) => shared.answered / perProcess.answered));
  const p99 = worst(rounds.map(({ shared, perProcess }) => shared.p99Ms / perProcess.p99Ms));
  const failed = rounds.reduce((sum, { shared, perProcess }) => sum + shared.failures + perProcess.failures, 0);
  return [
    {
      target: "fleet: Clerk calls per session with Redis ≤ 1.05 in every round",
      pass: calls <= 1.05,
      measured: `at most ${calls.toFixed(3)}`,
    },
    {
      target: "fleet: shared requests ≥ 0.9 × without Redis in every round",
      pass: served >= 0.9,
      measured: `at least ${served.toFixed(2)}×`,
    },
    {
      target: "fleet: p99 with Redis ≤ 2 × without in every round",
      pass: p99 <= 2,
      measured: `at most ${p99.toFixed(2)}×`,
    },
    { target: "fleet: no failed requests", pass: failed === 0, measured: `${failed} failed` },
  ];
}

export function renderFleet(fleet: FleetFigures, rounds: number): string {
  const { cold, throughput, twoOverOne } = fleet;
  const rps = (summary: { requestsPerSecond: number }) => summary.requestsPerSecond.toFixed(0);
  const coldRow = (label: string, run: ColdRun, round: number) => [
    round + 1,
    label,
    run.callsPerSession.toFixed(3),
    run.answered,
    percentile(run.latenciesMs, 0.5).toFixed(1),
    run.p99Ms.toFixed(1),
    run.failures,
  ];
  return [
    `### Fleet: ${fleet.workers} cold workers, ${fleet.connections} connections for ${fleet.seconds} s from the moment they serve, ${fleet.sessions} sessions, default settings`,
    "",
    markdownTable(
      ["round", "token reuse", "Clerk calls per session", "requests", "p50 ms", "p99 ms", "failed"],
      cold.shared.flatMap((shared, round) => [
        coldRow("shared through Redis (`REDIS_URL`)", shared, round),
        coldRow("per process (no `REDIS_URL`)", cold.perProcess[round]!, round),
      ]),
    ),
    "",
    `Shared ÷ per process, requests served in each round's pair: median **${fleet.sharedOverPerProcess.median.toFixed(2)}** (quartiles ${fleet.sharedOverPerProcess.lowerQuartile.toFixed(2)}–${fleet.sharedOverPerProcess.upperQuartile.toFixed(2)}).`,
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
