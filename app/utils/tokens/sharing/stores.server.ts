import { saysTokenIsStale } from "~/utils/clerk/errors.server";
import { config } from "~/utils/config/config.server";
import { TemplateTokenCache } from "~/utils/tokens/cache.server";
import { Revocations } from "./revocations.server";
import { shareThroughRedis } from "./shared-reuse.server";

/**
 * The server's token reuse: this process's cache, as always; shared through
 * Redis when REDIS_URL is set (and TOKEN_CACHE is on); and the revocations
 * that Clerk's webhooks trigger.
 */

// Beyond a Clerk call's whole budget, a lock is held by a process that died.
const LOCK_MARGIN_MS = 1000;

export const localTokenCache = new TemplateTokenCache({ ...config.tokenCache, forgetsTokenAfter: saysTokenIsStale });

const shared =
  config.redis && config.tokenCache.enabled
    ? shareThroughRedis({
        ...config.redis,
        secretKey: config.secretKey,
        lockMs: config.apiTimeoutMs + LOCK_MARGIN_MS,
        local: localTokenCache,
        maxEntries: config.tokenCache.maxEntries,
      })
    : undefined;

/** Template tokens shared through Redis; undefined without REDIS_URL (or with TOKEN_CACHE=off). */
export const sharedTokenCache = shared?.cache;
export const revocations = shared?.revocations ?? new Revocations([localTokenCache]);
/** The sharing's link to Redis, for the other state the fleet shares: each user's share of Clerk calls (026). */
export const sharedRedisLink = shared?.link;
