/**
 * `npm run soak -- --fleet`: the soak's server as a fleet, 2 workers sharing
 * template tokens through a redis-server of their own, and what such a fleet
 * meets mid-load, each once and at a fixed share of the run: a worker killed
 * (SIGKILL, as the OOM killer does), Redis refusing writes for 300 ms
 * (`CLIENT PAUSE 300 WRITE`: late, not down), Redis restarted (down, and back
 * empty), and a session revoked at Clerk, whose signed webhook the emulator
 * sends to the fleet. docs/reliability.md says what each must leave behind.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { createClient } from "redis";
import type { RunningEmulator } from "../emulator/src/index";
import { revokeSession } from "../support/clerk-env";
import { getOnNewConnection, serverProcesses } from "../support/fleet";
import type { LocalRedis } from "../support/redis-server";
import { ROUTE, type LostRequest, type SoakSession } from "./soak-mix";
import { judgeGrowth, type GrowthVerdict, type ProbeSample } from "./soak-memory";
import { printMemory } from "./soak-report";
import type { SoakServer } from "./soak-server";

export const FLEET_WORKERS = 2;
const REDIS_PAUSE_MS = 300;
/**
 * When each disruption starts, as a share of the load's duration. The revocation
 * comes while every process is still warming up (memory is judged from 15 s
 * after a process's start or the load's): the first revocations a worker
 * handles grow its heap as code paths warm, measured +1.24, +0.52, +0.19 and
 * +0.11 MB for the first four, then 0.03–0.23 MB for each of the next four (one
 * every 5 s, heap after a full GC); one such step in a replacement's 45 s
 * window read as 2.4 MB/min.
 */
const AT = { killWorker: 0.1, revokeSession: 0.2, pauseRedis: 0.35, restartRedis: 0.5 };
/** A replacement worker serves within this long of the kill on a busy 2-core machine (about 1 s when quiet). */
const REPLACEMENT_ALLOWANCE_MS = 5000;
/** The primary's line when the fleet is whole (server/cluster.ts). */
const ALL_SERVING = `All ${FLEET_WORKERS} workers are serving.`;
/** What the route answers a revoked session: Clerk says it is over, unless Clerk is failing at that moment. */
const REVOKED_ANSWER = /^(401 session_not_active|429 |502 |504 )/;
/** A connection the primary handed to the killed worker is lost with it (node:cluster): within this long of the kill. */
const KILL_ERRORS_WITHIN_MS = 2000;

/**
 * The shortest --fleet run: the replacement worker's memory is judged like the
 * server's, so it needs as long after its start as the shortest single run.
 */
export function shortestFleetRunSeconds(shortestRunSeconds: number): number {
  return Math.ceil((shortestRunSeconds + REPLACEMENT_ALLOWANCE_MS / 1000) / (1 - AT.killWorker));
}

export function fleetEnv(redis: LocalRedis): Record<string, string> {
  return { WEB_CONCURRENCY: String(FLEET_WORKERS), REDIS_URL: redis.url };
}

/** Waits until the primary has logged that all workers serve, as startAppServer does for tests. */
export async function untilFleetServes(app: SoakServer, times = 1, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (app.output().split(ALL_SERVING).length - 1 < times) {
    if (Date.now() > deadline) throw new Error(`The fleet never logged "${ALL_SERVING}":\n${app.output()}`);
    await sleep(50);
  }
}

const askToken = (app: SoakServer, session: SoakSession) =>
  getOnNewConnection(`${app.url}${ROUTE}`, { Authorization: `Bearer ${session.token}` }).then(
    (answer) => `${answer.status}${answer.body.code ? ` ${answer.body.code}` : ""}`,
    (error: Error) => `error ${error.message}`,
  );

/** Asks for the session's token once per worker and then some, on new connections (spread over the workers). */
export const askOnEveryWorker = (app: SoakServer, session: SoakSession) =>
  Promise.all(Array.from({ length: 2 * FLEET_WORKERS }, () => askToken(app, session)));

export interface Disruptions {
  loadStartMs: number;
  durationMs: number;
  app: SoakServer;
  redis: LocalRedis;
  emulator: RunningEmulator;
  /** A session outside the load's mix, whose token every worker has reused before the load. */
  revoked: SoakSession;
  /** The webhook deliveries the emulator has logged so far. */
  webhookLines: () => string[];
}

/** Runs the disruptions at their times, one after another; what each did, in seconds after the load started. */
export async function disruptFleet(run: Disruptions) {
  const { app, redis, loadStartMs } = run;
  const secondsIn = (ms: number) => Number(((ms - loadStartMs) / 1000).toFixed(2));
  const at = (share: number) => sleep(Math.max(0, loadStartMs + share * run.durationMs - Date.now()));

  await at(AT.killWorker);
  const [victim] = serverProcesses(app.pid).workers;
  const servedBefore = app.output().split(ALL_SERVING).length - 1;
  process.kill(victim!, "SIGKILL");
  const killedAtMs = Date.now();
  const backToFull = untilFleetServes(app, servedBefore + 1).then(
    () => Date.now() - killedAtMs,
    () => undefined,
  );

  await at(AT.revokeSession);
  const revokedAtMs = Date.now();
  await revokeSession(run.emulator, run.revoked.sessionId);
  while (!run.webhookLines().some((line) => / → 2\d\d /.test(line)) && Date.now() - revokedAtMs < 10_000)
    await sleep(20);
  const deliveredAfterMs = Date.now() - revokedAtMs;
  const answersAfterWebhook = await askOnEveryWorker(app, run.revoked);

  await at(AT.pauseRedis);
  const client = createClient({ url: redis.url });
  await client.connect();
  const pausedAtMs = Date.now();
  await client.sendCommand(["CLIENT", "PAUSE", String(REDIS_PAUSE_MS), "WRITE"]);
  client.destroy();

  await at(AT.restartRedis);
  const stoppedAtMs = Date.now();
  await redis.stop();
  await redis.start();
  const redisDownMs = Date.now() - stoppedAtMs;

  return {
    workerKilled: {
      pid: victim!,
      atSecond: secondsIn(killedAtMs),
      atMs: killedAtMs - loadStartMs,
      fleetWholeAfterMs: await backToFull,
    },
    redisPausedForWrites: { atSecond: secondsIn(pausedAtMs), ms: REDIS_PAUSE_MS },
    redisRestarted: { atSecond: secondsIn(stoppedAtMs), downMs: redisDownMs },
    sessionRevoked: {
      atSecond: secondsIn(revokedAtMs),
      sessionId: run.revoked.sessionId,
      webhookDeliveries: run.webhookLines(),
      deliveredAfterMs,
      answersAfterWebhook,
    },
  };
}

export type FleetEvents = Awaited<ReturnType<typeof disruptFleet>>;

/**
 * Each process's memory over the load, judged from its own start: the primary
 * and every worker but the one killed (its samples end there: reported, not
 * judged). Every sample must come from the primary or a worker it started.
 */
export function judgeFleetMemory(
  samples: ProbeSample[],
  primaryPid: number,
  killedPid: number,
  load: { startMs: number; endMs: number },
) {
  const pids = [...new Set(samples.map((sample) => sample.pid))];
  const processes = pids.map((pid) => {
    const own = samples.filter((sample) => sample.pid === pid);
    const startedAtMs = own[0]!.startedAtMs;
    const role =
      pid === primaryPid
        ? "primary"
        : pid === killedPid
          ? "worker, killed"
          : startedAtMs > load.startMs
            ? "replacement worker"
            : "worker";
    if (pid === killedPid) return { role, pid, samples: own.length, judged: false as const };
    const verdict: GrowthVerdict = judgeGrowth(own, {
      serverPid: pid,
      startMs: Math.max(load.startMs, startedAtMs),
      endMs: load.endMs,
    });
    const last = own.at(-1)!;
    return {
      role,
      pid,
      samples: own.length,
      judged: true as const,
      ...verdict,
      eventLoopDelayP99Ms: Number(last.loopDelayP99Ms.toFixed(1)),
      unhandledRejections: last.unhandledRejections,
      uncaughtExceptions: last.uncaughtExceptions,
    };
  });
  const strangers = samples.filter((sample) => sample.pid !== primaryPid && sample.ppid !== primaryPid).length;
  return { processes, samplesFromOtherProcesses: strangers };
}

/** The fleet's own checks, beyond every answer being one the route defines. */
function fleetChecks(
  events: FleetEvents,
  memory: ReturnType<typeof judgeFleetMemory>,
  /** Requests that got no answer, sent at ms after the load started. */
  lost: LostRequest[],
  connections: number,
  workersAtEnd: number,
): Array<[string, boolean]> {
  const killedAtMs = events.workerKilled.atMs;
  const { processes } = memory;
  const judged = processes.filter((process) => process.judged);
  const checks: Array<[string, boolean]> = [
    [
      `requests lost only with the killed worker: at most one per connection (${connections}), sent within ${KILL_ERRORS_WITHIN_MS / 1000} s of the kill`,
      lost.length <= connections &&
        lost.every(({ sentAtMs }) => Math.abs(sentAtMs - killedAtMs) <= KILL_ERRORS_WITHIN_MS),
    ],
    [
      `the fleet is whole again after the kill, within ${REPLACEMENT_ALLOWANCE_MS / 1000} s, and at the end (${FLEET_WORKERS} workers)`,
      (events.workerKilled.fleetWholeAfterMs ?? Infinity) <= REPLACEMENT_ALLOWANCE_MS && workersAtEnd === FLEET_WORKERS,
    ],
    [
      "the revocation webhook was accepted, then every worker answers the revoked session 401 session_not_active (or Clerk's fault)",
      events.sessionRevoked.webhookDeliveries.some((line) => / → 2\d\d /.test(line)) &&
        events.sessionRevoked.answersAfterWebhook.every((answer) => REVOKED_ANSWER.test(answer)),
    ],
    [
      "every memory sample comes from the fleet: the primary or a worker it started",
      memory.samplesFromOtherProcesses === 0,
    ],
    [
      "memory judged for the primary, the surviving worker and the replacement",
      judged.length === FLEET_WORKERS + 1 && judged.some((process) => process.role === "replacement worker"),
    ],
  ];
  for (const process of judged)
    for (const check of process.checks)
      checks.push([`${process.role} (pid ${process.pid}): ${check.name}`, check.passed]);
  checks.push([
    "no unhandled rejections or uncaught exceptions in any process",
    judged.every((process) => process.unhandledRejections === 0 && process.uncaughtExceptions === 0),
  ]);
  return checks;
}

/** After the load: the fleet's figures and checks, printed (each process's memory, the disruptions). */
export function judgeFleet(run: {
  app: SoakServer;
  events: FleetEvents;
  samples: ProbeSample[];
  window: { startMs: number; endMs: number };
  lostRequests: LostRequest[];
  settings: { connections: number };
  revokedBeforeLoad: string[] | undefined;
}) {
  const { app, events } = run;
  const memory = judgeFleetMemory(run.samples, app.pid, events.workerKilled.pid, run.window);
  const workersAtEnd = serverProcesses(app.pid).workers.length;
  const checks = fleetChecks(events, memory, run.lostRequests, run.settings.connections, workersAtEnd);
  const sharing = (change: string) => app.output().split(`Sharing ${change}`).length - 1;
  console.log("Disruptions:", JSON.stringify(events, null, 1));
  for (const process of memory.processes) {
    if (process.judged) printMemory(process.role, process.samples, process);
    else console.log(`${process.role} pid ${process.pid}: ${process.samples} samples, not judged`);
  }
  const figures = {
    revokedBeforeLoad: run.revokedBeforeLoad,
    events,
    sharingStopped: sharing("stopped"),
    sharingResumed: sharing("resumed"),
    workersAtEnd,
    memory,
  };
  return { checks, figures };
}
