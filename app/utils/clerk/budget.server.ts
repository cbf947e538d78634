import { isClerkAPIResponseError } from "@clerk/remix/errors";
import type { UserCallBudgets } from "~/utils/clerk/call-budget.server";
import { ClerkTimeoutError } from "~/utils/clerk/errors.server";
import { setTimeout as sleep } from "node:timers/promises";

/** Time a retry must still have left to be worth making. */
const MIN_ATTEMPT_MS = 100;

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, budgetMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ClerkTimeoutError(budgetMs)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * How long to wait before the one retry a failure deserves, or undefined for
 * none: network errors and 502/503 are often passing, so retry after a short
 * random pause (spreading out callers); 429 only after Clerk's Retry-After;
 * other answers would only repeat.
 */
function retryDelayMs(error: unknown): number | undefined {
  if (!isClerkAPIResponseError(error)) return undefined;
  const { status, retryAfter } = error;
  if (status === undefined || status === 502 || status === 503) return 50 + Math.random() * 150;
  if (status === 429 && retryAfter !== undefined) return retryAfter * 1000;
  return undefined;
}

/**
 * Runs a Clerk call, and at most one retry, within `budgetMs` in all, so the
 * caller always has an answer in time. A retry that would not fit in what is
 * left of the budget is not made: the first failure is reported instead.
 */
export async function withinBudget<T>(call: () => Promise<T>, budgetMs: number): Promise<T> {
  const deadline = performance.now() + budgetMs;
  const remaining = () => deadline - performance.now();
  try {
    return await withTimeout(call(), budgetMs, budgetMs);
  } catch (error) {
    const delay = retryDelayMs(error);
    if (delay === undefined || delay + MIN_ATTEMPT_MS > remaining()) throw error;
    await sleep(delay);
    return withTimeout(call(), remaining(), budgetMs);
  }
}

/**
 * `call` within `budgetMs` (withinBudget), charged to `who`'s share of Clerk's rate limit. The share
 * is taken before the clock starts: waiting for a late Redis (the fleet's buckets, decision 026)
 * never uses Clerk's time, and a spent share refuses before Clerk is called. The retry is charged,
 * never refused.
 */
export async function chargedWithinBudget<T>(
  share: UserCallBudgets,
  who: string,
  call: () => Promise<T>,
  budgetMs: number,
): Promise<T> {
  await share.take(who);
  let runs = 0;
  return withinBudget(() => {
    runs += 1;
    if (runs > 1) share.charge(who);
    return call();
  }, budgetMs);
}
