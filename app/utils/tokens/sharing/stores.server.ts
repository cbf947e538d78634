import { saysTokenIsStale } from "~/utils/clerk/errors.server";
import { config } from "~/utils/config/config.server";
import { TemplateTokenCache } from "~/utils/tokens/cache.server";
import type { RedisLink } from "./redis-link.server";
import { Revocations } from "./revocations.server";
import type { SharedTokenCache } from "./shared-cache.server";
import { revokeThroughRedis, shareThroughRedis } from "./shared-reuse.server";

/**
 * The server's token reuse: this process's cache, as always; shared through
 * Redis when REDIS_URL is set (and TOKEN_CACHE is on); and the revocations
 * that Clerk's webhooks trigger, through Redis whenever REDIS_URL is set.
 */

// Beyond a Clerk call's whole budget, a lock is held by a process that died.
const LOCK_MARGIN_MS = 1000;

export const localTokenCache = new TemplateTokenCache({ ...config.tokenCache, forgetsTokenAfter: saysTokenIsStale });

/** This process's link to Redis and what goes through it: revocations always, tokens unless TOKEN_CACHE=off. */
function throughRedis(redis: NonNullable<typeof config.redis>): {
  link: RedisLink;
  revocations: Revocations;
  cache?: SharedTokenCache;
} {
  const { secretKey } = config;
  if (!config.tokenCache.enabled) return revokeThroughRedis({ ...redis, secretKey });
  const lockMs = config.apiTimeoutMs + LOCK_MARGIN_MS;
  const { maxEntries } = config.tokenCache;
  return shareThroughRedis({ ...redis, secretKey, lockMs, local: localTokenCache, maxEntries });
}

const shared = config.redis ? throughRedis(config.redis) : undefined;

/** Template tokens shared through Redis; undefined without REDIS_URL (or with TOKEN_CACHE=off). */
export const sharedTokenCache = shared?.cache;
export const revocations = shared?.revocations ?? new Revocations([localTokenCache]);
/** This process's link to Redis, for the other state the fleet shares: each user's share of Clerk calls (026). */
export const sharedRedisLink = shared?.link;
