import { createClerkClient } from "@clerk/backend";
import { createClient } from "redis";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { apiError } from "~/utils/http/responses.server";
import { TemplateTokenCache } from "~/utils/tokens/cache.server";
import { reuseKeyOf } from "~/utils/tokens/sharing/revocations.server";
import { sealingFor } from "~/utils/tokens/sharing/sealing.server";
import { revokeThroughRedis, shareThroughRedis } from "~/utils/tokens/sharing/shared-reuse.server";
import { unsignedToken } from "../../support/forge";
import { startLocalRedis, type LocalRedis } from "../../support/redis-server";
import { startTestEmulator, type TestEmulator } from "../support/emulator";

/**
 * Shared reuse's locks, waits and near copies, against a real redis-server:
 * each "process" here is one process's part in sharing (its link, shared
 * cache and revocations), as a worker builds it from REDIS_URL.
 */

const SECRET_KEY = "sk_test_shared_lock";
const sealing = sealingFor(SECRET_KEY);
const REDIS_TIMEOUT_MS = 50;
const owner = { sessionId: "sess_1", userId: "user_1" };
const options = {
  fresh: false,
  failureAnswer: () => apiError(502, { message: "Clerk failed", code: "clerk_unavailable" }),
};

let redis: LocalRedis;
let admin: ReturnType<typeof createClient>;
const processes: Array<ReturnType<typeof shareThroughRedis>> = [];

beforeAll(async () => {
  redis = await startLocalRedis();
  admin = createClient({ url: redis.url });
  await admin.connect();
}, 30_000);

afterEach(async () => {
  for (const process of processes.splice(0)) process.link.close();
  await admin.flushAll();
});

afterAll(async () => {
  await admin?.destroy();
  await redis?.remove();
});

/** One process's sharing, once its link is up. */
async function startProcess({ lockMs = 5000, nearCacheMs = 0 } = {}) {
  const local = new TemplateTokenCache({ enabled: true, maxEntries: 100 });
  const process = shareThroughRedis({
    url: redis.url,
    timeoutMs: REDIS_TIMEOUT_MS,
    nearCacheMs,
    secretKey: SECRET_KEY,
    lockMs,
    local,
    maxEntries: 100,
  });
  processes.push(process);
  await expect.poll(() => process.link.hearsEvents, { timeout: 10_000, interval: 20 }).toBe(true);
  return process;
}

/** A template token with a 60 s lifetime (a 45 s reuse window), and a mint that counts its calls. */
function clerk({ latencyMs = 20 } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const jwt = unsignedToken(undefined, { exp: now + 60, iat: now, sub: "user_1" });
  const calls = { count: 0 };
  const mint = async () => {
    calls.count += 1;
    await sleep(latencyMs);
    return jwt;
  };
  return { jwt, calls, mint };
}

const namesOf = (key: string) => ({ token: sealing.name("token", key), lock: sealing.name("lock", key) });

describe("the lock", () => {
  it("a holder slower than its lock leaves the lock another process took since", async () => {
    const lockMs = 100;
    const { cache } = await startProcess({ lockMs });
    const key = "slow holder";
    const names = namesOf(key);
    const { mint } = clerk({ latencyMs: 3 * lockMs });
    const lookup = cache.lookup(key, owner, mint, options);
    await sleep(2 * lockMs);
    // Meanwhile the lock expired, and another process's call took it.
    expect(await admin.exists(names.lock)).toBe(0);
    await admin.set(names.lock, "another process's call", { expiration: { type: "PX", value: 10_000 } });
    expect((await lookup).source).toBe("stored");
    // The holder stores, announces and frees in one transaction, off the request path.
    await expect.poll(() => admin.exists(names.token)).toBe(1);
    expect(await admin.get(names.lock)).toBe("another process's call");
  });

  it("is owned by the lookup Redis granted it to after that lookup stopped waiting: its Clerk call is stored and the lock freed at once", async () => {
    const { cache } = await startProcess();
    const key = "late reply";
    const names = namesOf(key);
    const { jwt, calls, mint } = clerk();
    // Write commands (the lookup's script among them) wait 1.5 s: longer than a request waits for Redis.
    await admin.sendCommand(["CLIENT", "PAUSE", "1500", "WRITE"]);
    const started = performance.now();
    const answer = await cache.lookup(key, owner, mint, options);
    expect(answer.source).toBe("unavailable");
    expect(answer.lookup.jwt).toBe(jwt);
    expect(performance.now() - started).toBeLessThan(1500);
    // Once the pause ends, Redis grants this lookup the lock: it keeps the token its own call got, and frees the lock.
    await expect.poll(() => admin.exists(names.token), { timeout: 3000, interval: 10 }).toBe(1);
    expect(await admin.exists(names.lock)).toBe(0);
    // Long before the lock's own 5 s life.
    expect(performance.now() - started).toBeLessThan(2500);
    expect(calls.count).toBe(1);
  });
});

describe("a waiter", () => {
  it("takes the token as soon as it is in Redis, without the publication", async () => {
    const { cache } = await startProcess();
    const key = "no publication";
    const names = namesOf(key);
    const { jwt, calls, mint } = clerk();
    // Another process holds the lock; its outcome is stored but never published here.
    await admin.set(names.lock, "another process's call", { expiration: { type: "PX", value: 5000 } });
    const lookup = cache.lookup(key, owner, mint, options);
    await sleep(100);
    await admin.set(names.token, sealing.seal(names.token, { jwt }), { expiration: { type: "PX", value: 10_000 } });
    const stored = performance.now();
    const answer = await lookup;
    expect(performance.now() - stored).toBeLessThan(400);
    expect(answer).toMatchObject({ source: "waited", lookup: { jwt } });
    expect(calls.count).toBe(0);
  });

  it("takes the lock over once the holder's expires, and calls Clerk itself", async () => {
    const { cache } = await startProcess({ lockMs: 5000 });
    const key = "dead holder";
    const names = namesOf(key);
    const { calls, mint } = clerk();
    // A process that died holding the lock: nothing will be stored or published.
    await admin.set(names.lock, "a dead process's call", { expiration: { type: "PX", value: 300 } });
    const started = performance.now();
    const answer = await cache.lookup(key, owner, mint, options);
    expect(answer.source).toBe("stored");
    expect(calls.count).toBe(1);
    // The lock's own 300 ms, a re-read's pause and the call: not this cache's 5 s lock life.
    expect(performance.now() - started).toBeLessThan(1000);
    await expect.poll(() => admin.exists(names.token)).toBe(1);
  });
});

describe("near copies", () => {
  it("are served without Redis for at most B (REDIS_NEAR_CACHE_MS) after a revocation this process missed", async () => {
    const bound = 400;
    const { cache } = await startProcess({ nearCacheMs: bound });
    const key = "missed revocation";
    const { calls, mint } = clerk();
    expect((await cache.lookup(key, owner, mint, options)).source).toBe("stored");
    expect((await cache.lookup(key, owner, mint, options)).source).toBe("near");
    // Dropped in Redis with no message: a revocation whose publication this process missed.
    await admin.del(namesOf(key).token);
    const dropped = performance.now();
    let [nearAnswers, lastNearAfter, copyGone] = [0, 0, false];
    // Looking for twice as long as B: the copy must stop being served within B.
    while (!copyGone && performance.now() - dropped < 2 * bound) {
      const { source } = await cache.lookup(key, owner, mint, options);
      if (source === "near") [nearAnswers, lastNearAfter] = [nearAnswers + 1, performance.now() - dropped];
      else copyGone = true;
      await sleep(20);
    }
    expect(nearAnswers).toBeGreaterThan(0);
    expect(copyGone).toBe(true);
    expect(lastNearAfter).toBeLessThanOrEqual(bound);
    expect(calls.count).toBe(2);
  });

  it("are dropped on every process by a revocation, through pub/sub", async () => {
    const [first, second] = [await startProcess({ nearCacheMs: 10_000 }), await startProcess({ nearCacheMs: 10_000 })];
    const key = JSON.stringify([owner.sessionId, owner.userId, null, null, "test"]);
    const { calls, mint } = clerk();
    expect((await first.cache.lookup(key, owner, mint, options)).source).toBe("stored");
    expect((await second.cache.lookup(key, owner, mint, options)).source).toBe("hit");
    expect((await second.cache.lookup(key, owner, mint, options)).source).toBe("near");
    expect(await first.revocations.revoke({ sessionId: owner.sessionId })).toEqual({ complete: true });
    await expect
      .poll(async () => (await second.cache.lookup(key, owner, mint, options)).source, { timeout: 1000, interval: 10 })
      .not.toBe("near");
    expect(calls.count).toBe(2);
  });

  it("of an organization are dropped in Redis and on every process by its revocation, and no other's", async () => {
    const [first, second] = [await startProcess({ nearCacheMs: 10_000 }), await startProcess({ nearCacheMs: 10_000 })];
    const [inAcme, elsewhere] = [
      { ...owner, orgId: "org_acme" },
      { ...owner, orgId: "org_other" },
    ];
    const keyOf = (tokenOwner: typeof inAcme) => reuseKeyOf(tokenOwner, "org:admin", "organization");
    const { calls, mint } = clerk();
    for (const tokenOwner of [inAcme, elsewhere]) {
      expect((await first.cache.lookup(keyOf(tokenOwner), tokenOwner, mint, options)).source).toBe("stored");
      expect((await second.cache.lookup(keyOf(tokenOwner), tokenOwner, mint, options)).source).toBe("hit");
      expect((await second.cache.lookup(keyOf(tokenOwner), tokenOwner, mint, options)).source).toBe("near");
    }
    // An organization.updated or .deleted webhook (decision 031).
    expect(await first.revocations.revoke({ orgId: "org_acme" })).toEqual({ complete: true });
    expect(await admin.exists(namesOf(keyOf(inAcme)).token)).toBe(0);
    expect(await admin.exists(namesOf(keyOf(elsewhere)).token)).toBe(1);
    await expect
      .poll(async () => (await second.cache.lookup(keyOf(inAcme), inAcme, mint, options)).source, {
        timeout: 1000,
        interval: 10,
      })
      .toBe("stored");
    expect((await second.cache.lookup(keyOf(elsewhere), elsewhere, mint, options)).source).toBe("near");
    expect(calls.count).toBe(3);
  });

  it("of an organization are indexed by when they expire: names long expired leave the index at the next write", async () => {
    const process = await startProcess();
    const inAcme = { ...owner, orgId: "org_acme" };
    const organizationIndex = sealing.name("organization", "org_acme");
    // A token minted for Acme an hour ago, long expired: its name is all that is left of it.
    await admin.zAdd(organizationIndex, { score: Date.now() - 3_600_000, value: "rct:token:an-hour-old" });
    const key = reuseKeyOf(inAcme, "org:admin", "organization");
    expect((await process.cache.lookup(key, inAcme, clerk().mint, options)).source).toBe("stored");
    expect(await admin.zRange(organizationIndex, 0, -1)).toEqual([namesOf(key).token]);
    // The index lives as long as its newest token's reuse window (45 s here), no longer.
    expect(await admin.pTTL(organizationIndex)).toBeGreaterThan(40_000);
    expect(await admin.pTTL(organizationIndex)).toBeLessThanOrEqual(45_000);
  });

  it("are dropped on every process when Clerk says the token is gone (404)", async () => {
    const emulator: TestEmulator = await startTestEmulator();
    try {
      const clerkClient = createClerkClient({ secretKey: emulator.secretKey, apiUrl: emulator.apiUrl });
      const [first, second] = [
        await startProcess({ nearCacheMs: 10_000 }),
        await startProcess({ nearCacheMs: 10_000 }),
      ];
      const key = "gone at Clerk";
      const { mint } = clerk();
      await first.cache.lookup(key, owner, mint, options);
      expect((await second.cache.lookup(key, owner, mint, options)).source).toBe("hit");
      expect((await second.cache.lookup(key, owner, mint, options)).source).toBe("near");
      const gone = async () => (await clerkClient.sessions.getToken("sess_that_never_was", "test")).jwt;
      await expect(first.cache.lookup(key, owner, gone, { ...options, fresh: true })).rejects.toMatchObject({
        status: 502,
      });
      await expect
        .poll(async () => (await second.cache.lookup(key, owner, mint, options)).source, {
          timeout: 1000,
          interval: 10,
        })
        .not.toBe("near");
    } finally {
      await emulator.stop();
    }
  });
});

describe("what other modules keep per user (revocations.onRevoked)", () => {
  it("hears a revocation made elsewhere, also in a process that shares no tokens (TOKEN_CACHE=off)", async () => {
    const sharing = await startProcess();
    const budgetsOnly = revokeThroughRedis({ url: redis.url, timeoutMs: REDIS_TIMEOUT_MS, secretKey: SECRET_KEY });
    try {
      await expect.poll(() => budgetsOnly.link.hearsEvents, { timeout: 10_000, interval: 20 }).toBe(true);
      const heard: unknown[] = [];
      budgetsOnly.revocations.onRevoked((target) => heard.push(target));
      await sharing.revocations.revoke({ userId: "user_1" });
      await expect.poll(() => heard, { timeout: 1000, interval: 10 }).toEqual([{ userId: "user_1" }]);
    } finally {
      budgetsOnly.link.close();
    }
  });

  it("tells them to forget everyone when the subscriber was away, since a revocation may have been missed", async () => {
    const process = await startProcess();
    const heard: unknown[] = [];
    process.revocations.onRevoked((target) => heard.push(target));
    await admin.sendCommand(["CLIENT", "KILL", "TYPE", "pubsub"]);
    await expect.poll(() => heard, { timeout: 5000, interval: 20 }).toContain("anyone");
  });
});
