import { ClerkCallBudgets, type UserCallBudgets } from "~/utils/clerk/call-budget.server";
import { FleetCallBudgets } from "~/utils/clerk/fleet-call-budget.server";
import { config } from "~/utils/config/config.server";
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

function fleetBudgets(): UserCallBudgets | undefined {
  if (!sharedRedisLink) return undefined;
  const names = sealingFor(config.secretKey);
  return new FleetCallBudgets(sharedRedisLink, processBudgets, {
    callsPerWindow: perUser,
    windowMs,
    keyOf: (who) => names.name("budget", who),
  });
}

export const clerkCallBudgets: UserCallBudgets = fleetBudgets() ?? processBudgets;
