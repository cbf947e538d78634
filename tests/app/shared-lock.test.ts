import { createClient } from "redis";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, expect, it } from "vitest";
import { apiError } from "~/utils/http/responses.server";
import { TemplateTokenCache } from "~/utils/tokens/cache.server";
import { RedisLink } from "~/utils/tokens/sharing/redis-link.server";
import { sealingFor } from "~/utils/tokens/sharing/sealing.server";
import { SharedTokenCache } from "~/utils/tokens/sharing/shared-cache.server";
import { unsignedToken } from "../../support/forge";
import { startLocalRedis, type LocalRedis } from "../../support/redis-server";

/**
 * The lock a shared Clerk call holds, against a real redis-server: a holder
 * whose call outlived the lock must not free the lock another process took since.
 */

const LOCK_MS = 100;
const sealing = sealingFor("sk_test_shared_lock");
let redis: LocalRedis;
let link: RedisLink;
let client: ReturnType<typeof createClient>;

beforeAll(async () => {
  redis = await startLocalRedis();
  link = new RedisLink(redis.url, 1000, () => {});
  client = createClient({ url: redis.url });
  await client.connect();
  for (const deadline = Date.now() + 10_000; !link.isUp; await sleep(20)) {
    if (Date.now() > deadline) throw new Error("Redis did not come up");
  }
}, 30_000);

afterAll(async () => {
  await client?.destroy();
  await redis?.remove();
});

it("a holder slower than its lock leaves the lock another process took since", async () => {
  const cache = new SharedTokenCache(new TemplateTokenCache({ enabled: true, maxEntries: 10 }), link, sealing, LOCK_MS);
  const key = "slow holder";
  const lockName = sealing.name("lock", key);
  const tokenName = sealing.name("token", key);
  const jwt = unsignedToken(undefined, { exp: Math.floor(Date.now() / 1000) + 60, iat: Math.floor(Date.now() / 1000) });
  const mint = async () => {
    await sleep(3 * LOCK_MS);
    // Meanwhile the lock expired, and another process's call took it.
    return jwt;
  };
  const lookup = cache.lookup(key, { sessionId: "sess_1", userId: "user_1" }, mint, {
    fresh: false,
    failureAnswer: () => apiError(502, { message: "Clerk failed", code: "clerk_unavailable" }),
  });
  await sleep(2 * LOCK_MS);
  expect(await client.exists(lockName)).toBe(0);
  await client.set(lockName, "another process's call", { expiration: { type: "PX", value: 10_000 } });
  expect((await lookup).source).toBe("stored");
  // The holder stores, announces and frees in one transaction, off the request path.
  await expect.poll(() => client.exists(tokenName)).toBe(1);
  expect(await client.get(lockName)).toBe("another process's call");
});
