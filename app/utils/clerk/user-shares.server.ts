import { ClerkCallBudgets } from "~/utils/clerk/call-budget.server";
import { config } from "~/utils/config/config.server";

/**
 * This process's buckets of Clerk calls, one per user (CLERK_RATE_LIMIT, CLERK_USER_SHARE_PERCENT).
 * The token routes' calls and the studio's previews draw on the same share
 * (docs/decisions/026-per-user-clerk-call-budget.md).
 */
export const clerkCallBudgets = new ClerkCallBudgets({
  callsPerWindow: config.clerkCallBudget.perProcess,
  windowMs: config.clerkCallBudget.windowMs,
});
