/**
 * The figures behind decision 021 (slow is not down), printed side by side:
 * how shared reuse meets a Redis that is late, and one that is down.
 *
 *   npx tsx scripts/redis-slow-or-down.ts        (after npm run build; about 1 minute)
 *
 * Late: 4 workers started cold, sharing through a local redis-server, 40
 * connections from the moment they serve, Clerk (the emulator) answering in
 * 50 ms, default settings; meanwhile a Redis client in this (busy) process
 * times a GET_OR_LOCK-sized script every 5 ms: how late a connected Redis
 * answers a busy process on this machine. Down: the same fleet, warm, with
 * redis-server stopped (connections refused), then paused with SIGSTOP (it
 * accepts connections and never answers). Everything listens on 127.0.0.1.
 */
import { existsSync } from "node:fs";
import os from "node:os";
import { Agent, request } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { createClient } from "redis";
import { startEmulator } from "../emulator/src/index";
import { startAppServer, type AppServer } from "../support/app-server";
import { templateTokenCallCounter } from "../support/clerk-calls";
import { appEnvFor, mintSessionToken } from "../support/clerk-env";
import { startLocalRedis } from "../support/redis-server";
import { writeSeedWithSessions } from "../support/seed-sessions";
import { makeTempDir } from "../support/temp-dir";
import { exitWith } from "../server/read-config";
import { percentile } from "./bench/statistics";
import { readOptions } from "./command-line";

readOptions({
  name: "npx tsx scripts/redis-slow-or-down.ts",
  summary:
    "After npm run build; about a minute. Prints how shared reuse meets a Redis that is late and one that is\n" +
    "down: the figures behind docs/decisions/021-shared-reuse-under-load.md. Starts its own emulator,\n" +
    "redis-server and fleet on 127.0.0.1.",
});

const WORKERS = 4;
const SESSIONS = 200;
const CONNECTIONS = 40;
const CLERK_LATENCY_MS = 50;
const REDIS_TIMEOUT_MS = 50;

interface Answer {
  /** When it was asked, from the start of the run, and how long it took. */
  sentAtMs: number;
  ms: number;
  status: number;
  /** Where the token came from, and how long the shared lookup took: Server-Timing's redis;desc and dur. */
  source: string;
  lookupMs?: number;
}

/** `CONNECTIONS` keep-alive connections asking the token route back to back for `seconds`, the sessions in turn. */
async function closedLoop(server: AppServer, tokens: string[], seconds: number): Promise<Answer[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const answers: Answer[] = [];
  const started = performance.now();
  let turn = 0;
  const ask = (token: string) =>
    new Promise<Answer>((resolve, reject) => {
      const sent = performance.now();
      const headers = { authorization: `Bearer ${token}` };
      const req = request(`${server.url}/api/get-token-example`, { agent, headers }, (res) => {
        res.resume();
        res.on("end", () => {
          const timing = String(res.headers["server-timing"] ?? "");
          const now = performance.now();
          const [, source = "none", lookupMs] = /redis;desc="(\w+)"(?:;dur=([\d.]+))?/.exec(timing) ?? [];
          const answer = { sentAtMs: sent - started, ms: now - sent, status: res.statusCode!, source };
          resolve(lookupMs === undefined ? answer : { ...answer, lookupMs: Number(lookupMs) });
        });
      });
      req.on("error", reject);
      req.end();
    });
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() - started < seconds * 1000) answers.push(await ask(tokens[turn++ % tokens.length]!));
    }),
  );
  agent.destroy();
  return answers;
}

/** Times a script like GET_OR_LOCK every 5 ms until `done`: how late Redis answers this process. */
async function timeReplies(url: string, done: Promise<unknown>): Promise<number[]> {
  const client = createClient({ url });
  await client.connect();
  const script = `local kept = redis.call("GET", KEYS[1]) if kept then return kept end return redis.call("SET", KEYS[2], ARGV[1], "NX", "PX", 100)`;
  const replies: number[] = [];
  let running = true;
  void done.finally(() => (running = false));
  while (running) {
    const sent = performance.now();
    await client.eval(script, { keys: ["rct:probe:token", "rct:probe:lock"], arguments: [String(sent)] });
    replies.push(performance.now() - sent);
    await sleep(5);
  }
  await client.destroy();
  return replies;
}

const ms = (value: number) => `${value.toFixed(1)} ms`;
const count = (answers: Answer[], source: string) => answers.filter((answer) => answer.source === source).length;
const describe = (answers: Answer[]) => {
  const latencies = answers.map((answer) => answer.ms);
  const failed = answers.filter((answer) => answer.status !== 200).length;
  const sources = ["near", "hit", "waited", "stored", "unavailable"].map((s) => `${s} ${count(answers, s)}`).join(", ");
  return `${answers.length} answers (${failed} not 200), p50 ${ms(percentile(latencies, 0.5))}, p99 ${ms(percentile(latencies, 0.99))}, max ${ms(Math.max(...latencies))}; ${sources}`;
};

async function main() {
  const [loadAverage = 0] = os.loadavg();
  const temp = await makeTempDir("rct-slow-or-down-");
  const seed = await writeSeedWithSessions(temp.dir, SESSIONS);
  const clerkCalls = templateTokenCallCounter();
  const emulator = await startEmulator({
    port: 0,
    dataDir: temp.dir,
    seedFile: seed.seedFile,
    latencyMs: CLERK_LATENCY_MS,
    sessionTokenLifetimeSeconds: 3600,
    log: clerkCalls.log,
  });
  const redis = await startLocalRedis();
  let server: AppServer | undefined;
  try {
    const tokens = await Promise.all(seed.sessions.map((session) => mintSessionToken(emulator, session.sessionId)));
    console.log(
      `${new Date().toISOString()}, ${os.cpus().length} × ${os.cpus()[0]?.model}, Node ${process.version}, load average ${loadAverage.toFixed(2)} before the run`,
    );
    server = await startAppServer(appEnvFor(emulator, { WEB_CONCURRENCY: String(WORKERS), REDIS_URL: redis.url }));

    const callsSince = clerkCalls.since();
    const load = closedLoop(server, tokens, 6);
    const replies = await timeReplies(redis.url, load);
    const late = await load;
    await sleep(200);
    const calls = callsSince();
    const sorted = [...replies].sort((a, b) => a - b);
    const over = (limitMs: number) => replies.filter((reply) => reply > limitMs).length;
    console.log(
      `\nLate: ${WORKERS} cold workers sharing through Redis, ${CONNECTIONS} connections for 6 s from the moment they serve, Clerk ${CLERK_LATENCY_MS} ms, default settings`,
    );
    console.log(
      `  Redis's replies to a client in this busy process (${replies.length}, one every 5 ms): p50 ${ms(percentile(sorted, 0.5))}, p99 ${ms(percentile(sorted, 0.99))}, p99.9 ${ms(percentile(sorted, 0.999))}, max ${ms(sorted.at(-1) ?? NaN)}`,
    );
    console.log(
      `  later than REDIS_TIMEOUT_MS (${REDIS_TIMEOUT_MS} ms): ${over(REDIS_TIMEOUT_MS)} (${((100 * over(REDIS_TIMEOUT_MS)) / replies.length).toFixed(1)} %); later than ${REDIS_TIMEOUT_MS} ms + 1 s: ${over(REDIS_TIMEOUT_MS + 1000)}`,
    );
    console.log(`  the fleet: ${describe(late)}`);
    const redisHits = late.filter((answer) => answer.source === "hit").map((answer) => answer.lookupMs!);
    const lateHits = redisHits.filter((lookupMs) => lookupMs > REDIS_TIMEOUT_MS).length;
    console.log(
      `  lookups the workers answered from Redis (${redisHits.length}), as long as each took: p50 ${ms(percentile(redisHits, 0.5))}, p99 ${ms(percentile(redisHits, 0.99))}, max ${ms(Math.max(...redisHits))}; later than ${REDIS_TIMEOUT_MS} ms: ${lateHits} (${((100 * lateHits) / redisHits.length).toFixed(1)} %), each a Clerk call of its own under a rule that gives up then`,
    );
    console.log(`  Clerk calls: ${calls} for ${SESSIONS} sessions, ${(calls / SESSIONS).toFixed(3)} per session`);

    const warm = await closedLoop(server, tokens, 2);
    console.log(`\nDown, the same fleet warm: first with Redis up, ${describe(warm)}`);
    await redis.stop();
    const refused = await closedLoop(server, tokens, 2);
    console.log(`  redis-server stopped (connections refused): ${describe(refused)}`);
    await redis.start();
    await sleep(2000);
    process.kill(redis.pid(), "SIGSTOP");
    const hung = await closedLoop(server, tokens, 3);
    process.kill(redis.pid(), "SIGCONT");
    const fallbacks = hung.filter((answer) => answer.source === "unavailable").map((a) => a.sentAtMs + a.ms);
    console.log(`  redis-server paused (SIGSTOP: it accepts connections, answers nothing): ${describe(hung)}`);
    console.log(
      `    the first answer without Redis came ${ms(Math.min(...fallbacks))} after the pause; asked after 1.5 s: ${describe(hung.filter((answer) => answer.sentAtMs > 1500))}`,
    );
  } finally {
    await server?.stop();
    await redis.remove();
    await emulator.close();
    await temp.remove();
  }
}

if (!existsSync("build/server.js")) exitWith("build/server.js is missing: run `npm run build` first.");
await main();
