import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { chargedWithinBudget } from "~/utils/clerk/budget.server";
import { ClerkCallBudgets, ClerkCallBudgetSpent } from "~/utils/clerk/call-budget.server";
import { FleetCallBudgets, TAKE_OR_CHARGE } from "~/utils/clerk/fleet-call-budget.server";
import { RedisLink } from "~/utils/tokens/sharing/redis-link.server";
import { freePort } from "../../support/app-server";
import { startLocalRedis, type LocalRedis } from "../../support/redis-server";

/**
 * The fleet's bucket per user, against a real redis-server: its arithmetic (refill, Retry-After,
 * a charge below empty, expiry), and what decides when Redis is refused or late (decision 026).
 * Buckets of 2 calls per 1000 ms: one call is back every 500 ms.
 */

const WINDOW_MS = 1000;
const PER_USER = 2;

let redis: LocalRedis;
let client: ReturnType<typeof createClient>;
let link: RedisLink;
const quiet = () => vi.spyOn(console, "error").mockImplementation(() => {});

beforeAll(async () => {
  redis = await startLocalRedis();
  client = createClient({ url: redis.url });
  await client.connect();
  quiet();
  link = new RedisLink(redis.url, 50, { onMessage: () => {}, onEventsLost: () => {} });
  await vi.waitFor(() => expect(link.isUp).toBe(true), { timeout: 10_000, interval: 20 });
}, 30_000);

afterAll(async () => {
  link?.close();
  await client?.destroy();
  await redis?.remove();
});

let users = 0;
/** A user no other test has charged, and the Redis key of their bucket. */
function newUser() {
  users += 1;
  return { who: `user_${users}`, key: `test:budget:user_${users}` };
}

/** Budgets on `over`, falling back to a process bucket of one call (`local`). */
function budgetsOn(over: RedisLink) {
  const local = new ClerkCallBudgets({ callsPerWindow: 1, windowMs: WINDOW_MS });
  const fleet = new FleetCallBudgets(over, local, {
    callsPerWindow: PER_USER,
    windowMs: WINDOW_MS,
    keyOf: (who) => `test:budget:${who}`,
  });
  return { fleet, local };
}

/** Runs the script as the app does: [paid, ms until a call is back]. */
async function takeOrCharge(key: string, mode: "take" | "charge") {
  const reply = await client.eval(TAKE_OR_CHARGE, {
    keys: [key],
    arguments: [String(PER_USER), String(WINDOW_MS), mode],
  });
  return reply as [number, number];
}

/** The calls a bucket held when last written. */
async function callsIn(key: string): Promise<number> {
  return Number((await client.get(key))?.split(" ")[0]);
}

async function refusal(take: Promise<unknown>): Promise<ClerkCallBudgetSpent | undefined> {
  try {
    await take;
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ClerkCallBudgetSpent);
    return error as ClerkCallBudgetSpent;
  }
}

describe("the fleet's bucket in Redis", () => {
  it("takes a full bucket's calls, then says how long until one is back, and refills at the window's rate", async () => {
    const { key } = newUser();
    expect(await takeOrCharge(key, "take")).toEqual([1, 0]);
    expect(await takeOrCharge(key, "take")).toEqual([1, 0]);
    const [paid, retryAfterMs] = await takeOrCharge(key, "take");
    expect(paid).toBe(0);
    // Empty a moment ago: one call comes back 500 ms after the first take, less the time since.
    expect(retryAfterMs).toBeGreaterThan(400);
    expect(retryAfterMs).toBeLessThanOrEqual(500);
    // Expires when it would be full again: both calls back, at most a window from now.
    expect(await client.pTTL(key)).toBeGreaterThan(900);
    expect(await client.pTTL(key)).toBeLessThanOrEqual(WINDOW_MS);

    await new Promise((resolve) => setTimeout(resolve, retryAfterMs + 20));
    expect(await takeOrCharge(key, "take")).toEqual([1, 0]);
    expect((await takeOrCharge(key, "take"))[0]).toBe(0);
  });

  it("charges a retry below empty, and a take then waits for the call it owes", async () => {
    const { key } = newUser();
    await takeOrCharge(key, "take");
    await takeOrCharge(key, "take");
    expect(await takeOrCharge(key, "charge")).toEqual([1, 0]);
    // Minus one call: two must come back before a take is paid, 1000 ms.
    const [paid, retryAfterMs] = await takeOrCharge(key, "take");
    expect(paid).toBe(0);
    expect(retryAfterMs).toBeGreaterThan(900);
    expect(retryAfterMs).toBeLessThanOrEqual(1000);
  });

  it("refuses with ClerkCallBudgetSpent in whole seconds, per user, naming the fleet's share", async () => {
    const { fleet: budgets } = budgetsOn(link);
    const bob = newUser().who;
    await budgets.take(bob);
    await budgets.take(bob);
    const spent = await refusal(budgets.take(bob));
    expect(spent).toMatchObject({ retryAfterSeconds: 1, callsPerWindow: PER_USER, windowSeconds: 1 });
    // Bob's bucket is his own: another user's is full, and the process bucket (one call) was never used.
    const alice = newUser().who;
    expect(await refusal(budgets.take(alice))).toBeUndefined();
    expect(await refusal(budgets.take(alice))).toBeUndefined();
  });

  it("takes before a charged call runs, and refuses a spent share before the call", async () => {
    const { fleet: budgets } = budgetsOn(link);
    const { who } = newUser();
    let runs = 0;
    const call = () => chargedWithinBudget(budgets, who, async () => (runs += 1), 1000);
    await call();
    await call();
    expect(runs).toBe(PER_USER);
    expect(await refusal(call())).toBeInstanceOf(ClerkCallBudgetSpent);
    expect(runs).toBe(PER_USER);
  });
});

describe("when Redis cannot answer", () => {
  it("lets the process's own bucket decide at once when Redis refuses", async () => {
    const port = await freePort();
    const refused = new RedisLink(`redis://127.0.0.1:${port}`, 50, { onMessage: () => {}, onEventsLost: () => {} });
    try {
      const { fleet: budgets } = budgetsOn(refused);
      const { who } = newUser();
      const started = performance.now();
      expect(await refusal(budgets.take(who))).toBeUndefined();
      // The process bucket holds one call, and says so.
      expect(await refusal(budgets.take(who))).toMatchObject({ callsPerWindow: 1, retryAfterSeconds: 1 });
      expect(performance.now() - started).toBeLessThan(200);
    } finally {
      refused.close();
    }
  });

  it("waits for a late Redis at most REDIS_TIMEOUT_MS + 1 s, then pays from the process's bucket", async () => {
    const { fleet: budgets, local } = budgetsOn(link);
    const { who, key } = newUser();
    // Scripts that write wait while PING still answers: Redis is alive, and late.
    await client.sendCommand(["CLIENT", "PAUSE", "1500", "WRITE"]);
    const started = performance.now();
    expect(await refusal(budgets.take(who))).toBeUndefined();
    const waitedMs = performance.now() - started;
    console.info(
      `A take during CLIENT PAUSE WRITE was answered by the process's bucket after ${waitedMs.toFixed(0)} ms`,
    );
    expect(waitedMs).toBeGreaterThanOrEqual(1000);
    expect(waitedMs).toBeLessThan(1400);
    // The process bucket (one call) paid for it; the take Redis made once the pause ended stays charged.
    expect(() => local.take(who)).toThrow(ClerkCallBudgetSpent);
    await client.sendCommand(["CLIENT", "UNPAUSE"]);
    await expect.poll(async () => callsIn(key), { interval: 20 }).toBeLessThan(PER_USER);
  });
});
