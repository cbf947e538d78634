import { LRUCache } from "lru-cache";

/**
 * Each user's share of Clerk's rate limit. Clerk limits Backend API calls per
 * instance, so without a share one user's loop of `Cache-Control: no-cache`
 * requests spends the limit for everyone. A token bucket per user, in this
 * process, of `perProcess` calls refilled over Clerk's window; a call it cannot
 * pay for is refused before Clerk is called. Only real Clerk calls are
 * charged: a reused token, or a share of another request's call, costs nothing
 * (docs/decisions/026-per-user-clerk-call-budget.md).
 */

/** A user's budget is spent: the route answers 429 with Retry-After instead of calling Clerk. */
export class ClerkCallBudgetSpent extends Error {
  constructor(
    readonly retryAfterSeconds: number,
    readonly callsPerWindow: number,
    readonly windowSeconds: number,
  ) {
    super(`This user's share of Clerk calls is spent for ${retryAfterSeconds} s`);
    this.name = "ClerkCallBudgetSpent";
  }
}

/**
 * What the token routes and the studio's previews charge their Clerk calls to: this process's
 * buckets, or the fleet's. `chargedWithinBudget` (budget.server.ts) takes before each call and
 * charges its retry.
 */
export interface UserCallBudgets {
  /** Takes one call from `who`'s share, or throws ClerkCallBudgetSpent (before Clerk is called). */
  take(who: string): void | Promise<void>;
  /** Counts a call made without asking (the one retry after a failure): the bucket may go below empty. */
  charge(who: string): void;
}

type Bucket = { calls: number; at: number };

/** The most users whose buckets are kept; one pushed out starts again with a full bucket. */
const MAX_USERS = 100_000;

export class ClerkCallBudgets implements UserCallBudgets {
  private readonly buckets: LRUCache<string, Bucket>;
  private readonly refillPerMs: number;
  private readonly now: () => number;

  /** `now` in milliseconds (default performance.now): what refills and forgetting are measured by. */
  constructor(private readonly options: { callsPerWindow: number; windowMs: number; now?: () => number }) {
    this.refillPerMs = options.callsPerWindow / options.windowMs;
    this.now = options.now ?? (() => performance.now());
    this.buckets = new LRUCache<string, Bucket>({ max: MAX_USERS, perf: { now: this.now } });
  }

  /** Takes one call from `who`'s bucket, or throws ClerkCallBudgetSpent saying when one is back. */
  take(who: string): void {
    const bucket = this.current(who);
    if (bucket.calls < 1) {
      const retryAfterSeconds = Math.ceil((1 - bucket.calls) / this.refillPerMs / 1000);
      throw new ClerkCallBudgetSpent(retryAfterSeconds, this.options.callsPerWindow, this.options.windowMs / 1000);
    }
    this.keep(who, { ...bucket, calls: bucket.calls - 1 });
  }

  /** Counts a call made without asking (the one retry after a failure): the bucket may go below empty. */
  charge(who: string): void {
    const bucket = this.current(who);
    this.keep(who, { ...bucket, calls: bucket.calls - 1 });
  }

  /** The bucket refilled up to now; a user without one has a full one. */
  private current(who: string): Bucket {
    const now = this.now();
    const kept = this.buckets.get(who);
    if (!kept) return { calls: this.options.callsPerWindow, at: now };
    const refilled = kept.calls + (now - kept.at) * this.refillPerMs;
    return { calls: Math.min(this.options.callsPerWindow, refilled), at: now };
  }

  /** Kept until it would be full again: then forgetting it changes nothing. */
  private keep(who: string, bucket: Bucket): void {
    const untilFullMs = Math.ceil((this.options.callsPerWindow - bucket.calls) / this.refillPerMs);
    this.buckets.set(who, bucket, { ttl: Math.max(1, untilFullMs) });
  }
}
