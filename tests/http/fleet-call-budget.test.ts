import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppServer, untilLogged, type AppServer } from "../../support/app-server";
import { appEnvFor, mintSessionToken } from "../../support/clerk-env";
import { templateTokenCallLog } from "../../support/clerk-calls";
import { startLocalRedis, type LocalRedis } from "../../support/redis-server";
import { startTestEmulator, type TestEmulator } from "../support/emulator";

/**
 * One user's share of Clerk's rate limit holds for the fleet, not per process (decision 026): two
 * app processes share one redis-server, and a user's no-cache loop spread over both gets the share
 * once. Told a limit of 20 calls per 60 s with a 25 % share, a user may make 5 calls per 60 s (one
 * back every 12 s, so the loops below never see a refill). When Redis stops answering, each
 * process's own bucket (5 here, WEB_CONCURRENCY=1) decides at once: 200 or 429, never a 5xx.
 * A third process, with TOKEN_CACHE=off (nothing else shared), draws on the same buckets; its
 * CLERK_API_TIMEOUT_MS of 1000 is shorter than the wait for a paused Redis (REDIS_TIMEOUT_MS + 1 s),
 * which must not count as Clerk's time.
 */

const PER_USER = 5;
const SESSIONS = { alice: "sess_seed_alice", bob: "sess_seed_bob" };

let emulator: TestEmulator;
let redis: LocalRedis;
let servers: AppServer[] = [];
const clerkCalls = templateTokenCallLog();
const tokens = { alice: "", bob: "" };

beforeAll(async () => {
  [emulator, redis] = await Promise.all([startTestEmulator({ log: clerkCalls.log }), startLocalRedis()]);
  const env = appEnvFor(emulator, {
    REDIS_URL: redis.url,
    CLERK_RATE_LIMIT: "20/60s",
    CLERK_USER_SHARE_PERCENT: "25",
  });
  servers = await Promise.all([
    startAppServer(env),
    startAppServer(env),
    startAppServer({ ...env, TOKEN_CACHE: "off", CLERK_API_TIMEOUT_MS: "1000" }),
  ]);
  await Promise.all([
    untilLogged(servers[0]!, "Sharing template tokens through Redis", 1),
    untilLogged(servers[1]!, "Sharing template tokens through Redis", 1),
    untilLogged(servers[2]!, "Sharing each user's share of Clerk calls and Clerk's revocations through Redis", 1),
  ]);
  tokens.alice = await mintSessionToken(emulator, SESSIONS.alice);
  tokens.bob = await mintSessionToken(emulator, SESSIONS.bob);
}, 60_000);

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  await Promise.all([emulator?.stop(), redis?.remove()]);
});

interface Answer {
  server: number;
  status: number;
  retryAfter: string | null;
  body: { code?: string; message?: string };
  ms: number;
}

/** A no-cache request (a Clerk call unless the share is spent) to one server, unless `reuse`. */
async function ask(who: keyof typeof tokens, server: number, { reuse = false } = {}): Promise<Answer> {
  const started = performance.now();
  const headers: Record<string, string> = { Authorization: `Bearer ${tokens[who]}` };
  if (!reuse) headers["Cache-Control"] = "no-cache";
  const response = await fetch(`${servers[server]!.url}/api/get-token-example`, { headers });
  const body = (await response.json()) as Answer["body"];
  const ms = performance.now() - started;
  return { server, status: response.status, retryAfter: response.headers.get("retry-after"), body, ms };
}

/** `count` requests from `who`, one after another, taking turns between the two servers. */
async function loop(who: keyof typeof tokens, count: number): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let request = 0; request < count; request += 1) answers.push(await ask(who, request % 2));
  return answers;
}

const callsFor = (sessionId: string, since: number) =>
  clerkCalls.calls.slice(since).filter((call) => call.sessionId === sessionId).length;

describe("each user's share of Clerk's rate limit, across processes sharing Redis", () => {
  it("gives a no-cache loop spread over two processes the share once, and leaves another user's first request a 200", async () => {
    const since = clerkCalls.calls.length;
    const answers = await loop("bob", 20);
    expect(answers.map((answer) => answer.status)).toEqual([...Array(PER_USER).fill(200), ...Array(15).fill(429)]);
    // Both processes refused, each before its own bucket would have (it paid for at most three calls).
    expect(new Set(answers.filter((answer) => answer.status === 429).map((answer) => answer.server))).toEqual(
      new Set([0, 1]),
    );
    expect(callsFor(SESSIONS.bob, since)).toBe(PER_USER);

    const refused = answers[PER_USER]!;
    expect(refused.body).toMatchObject({
      code: "user_rate_limited",
      message: expect.stringContaining(`(${PER_USER} per 60 s per user), so Clerk was not called`),
    });
    // From the shared bucket: five calls just spent, one back 12 s after the first of them.
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(9);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(12);

    // A process that shares no tokens refuses Bob too, though it never made a call for him.
    const uncached = await ask("bob", 2);
    expect(uncached).toMatchObject({ status: 429, body: { code: "user_rate_limited" } });
    expect((await ask("alice", 1)).status).toBe(200);
    // A reused token is not a Clerk call, and costs nothing.
    const reused = await ask("bob", 0, { reuse: true });
    expect(reused.status).toBe(200);
    expect(callsFor(SESSIONS.bob, since)).toBe(PER_USER);
  });

  it("answers 200 or 429 from each process's own bucket, at once, when redis-server is stopped mid-loop", async () => {
    const since = clerkCalls.calls.length;
    await redis.stop();
    try {
      // Bob's share in Redis is spent; each process's own bucket of 5 is full, and now decides.
      const answers = await loop("bob", 14);
      for (const server of [0, 1]) {
        const statuses = answers.filter((answer) => answer.server === server).map((answer) => answer.status);
        expect(statuses).toEqual([...Array(PER_USER).fill(200), 429, 429]);
      }
      expect(callsFor(SESSIONS.bob, since)).toBe(2 * PER_USER);
      const slowest = Math.max(...answers.map((answer) => answer.ms));
      console.info(`Redis stopped: ${answers.length} answers, the slowest in ${slowest.toFixed(0)} ms`);
      expect(slowest).toBeLessThan(1000);
    } finally {
      await redis.start();
    }
    await Promise.all(servers.map((server) => untilLogged(server, "Sharing resumed", 1)));
  });

  it("answers within REDIS_TIMEOUT_MS + 1 s, never a 5xx, while redis-server is paused", async () => {
    process.kill(redis.pid(), "SIGSTOP");
    try {
      const answers = await Promise.all([ask("alice", 0), ask("alice", 1), ask("alice", 2)]);
      for (const answer of answers) {
        expect([200, 429]).toContain(answer.status);
        expect(answer.ms).toBeLessThan(2500);
      }
      // The wait for Redis came before Clerk's 1000 ms began: a 200, not a 504 clerk_timeout
      // followed by a Clerk call nobody reads.
      expect(answers[2]).toMatchObject({ status: 200 });
      console.info(
        `Redis paused: answered ${answers.map((answer) => `${answer.status} in ${answer.ms.toFixed(0)} ms`)}`,
      );
    } finally {
      process.kill(redis.pid(), "SIGCONT");
    }
  });
});
