import { ClerkCallBudgets, type UserCallBudgets } from "~/utils/clerk/call-budget.server";
import { FleetCallBudgets } from "~/utils/clerk/fleet-call-budget.server";
import { config } from "~/utils/config/config.server";
import { RedisLink } from "~/utils/tokens/sharing/redis-link.server";
import { sealingFor } from "~/utils/tokens/sharing/sealing.server";
import { sharedRedisLink } from "~/utils/tokens/sharing/stores.server";

/**
 * Each user's bucket of Clerk calls (CLERK_RATE_LIMIT, CLERK_USER_SHARE_PERCENT): in Redis for the
 * whole fleet with REDIS_URL, else in this process. The token routes' calls and the studio's
 * previews draw on the same share (docs/decisions/026-per-user-clerk-call-budget.md).
 */

const { perUser, perProcess, windowMs } = config.clerkCallBudget;

/** This process's buckets: the budget without Redis, and the fallback when Redis cannot answer. */
const processBudgets = new ClerkCallBudgets({ callsPerWindow: perProcess, windowMs });

/** The sharing's link; with TOKEN_CACHE=off, when nothing else is shared, one of the budget's own. */
function linkToRedis(redis: NonNullable<typeof config.redis>): RedisLink {
  if (sharedRedisLink) return sharedRedisLink;
  const ignored = { onMessage() {}, onEventsLost() {} };
  const purpose = { shared: "each user's share of Clerk calls", without: "keeps its own buckets of Clerk calls" };
  return new RedisLink(redis.url, redis.timeoutMs, ignored, purpose);
}

function fleetBudgets(): UserCallBudgets | undefined {
  if (!config.redis) return undefined;
  const names = sealingFor(config.secretKey);
  return new FleetCallBudgets(linkToRedis(config.redis), processBudgets, {
    callsPerWindow: perUser,
    windowMs,
    keyOf: (who) => names.name("budget", who),
  });
}

export const clerkCallBudgets: UserCallBudgets = fleetBudgets() ?? processBudgets;
