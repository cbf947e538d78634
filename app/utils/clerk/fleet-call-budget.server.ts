import { ClerkCallBudgetSpent, type UserCallBudgets } from "~/utils/clerk/call-budget.server";
import type { Client } from "~/utils/tokens/sharing/redis-connection.server";
import { RedisUnavailable, type RedisLink } from "~/utils/tokens/sharing/redis-link.server";

/**
 * Each user's share of Clerk's rate limit for the whole fleet: one token bucket per user in Redis,
 * so every worker on every machine draws on the same `perUser` calls per window. When Redis cannot
 * answer, this process's own bucket (perUser / WEB_CONCURRENCY, as without Redis) decides instead:
 * the budget store is never the reason a request fails (docs/decisions/026-per-user-clerk-call-budget.md).
 */

/**
 * Refill, then take (ARGV[3] "take") or charge ("charge": below empty if need be) one call, in one
 * atomic step on Redis's clock, which every machine shares. KEYS[1]: the user's bucket, a string
 * "<calls> <at ms>" (calls may be fractional or negative). ARGV: calls per window, window in ms.
 * Replies {1, 0} when the call is paid for, {0, ms until one call is back} when refused. The bucket
 * expires when it would be full again (at most about a window), which forgets it at no cost.
 */
export const TAKE_OR_CHARGE = `
local capacity = tonumber(ARGV[1])
local windowMs = tonumber(ARGV[2])
local time = redis.call("TIME")
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local calls, at = capacity, now
local kept = redis.call("GET", KEYS[1])
if kept then
  local keptCalls, keptAt = string.match(kept, "^(%S+) (%S+)$")
  calls, at = tonumber(keptCalls) or capacity, tonumber(keptAt) or now
end
calls = math.min(capacity, calls + math.max(0, now - at) * capacity / windowMs)
if ARGV[3] == "take" and calls < 1 then
  return {0, math.ceil((1 - calls) * windowMs / capacity)}
end
calls = calls - 1
local untilFullMs = math.max(1, math.ceil((capacity - calls) * windowMs / capacity))
redis.call("SET", KEYS[1], tostring(calls) .. " " .. tostring(now), "PX", untilFullMs)
return {1, 0}
`;

/** What one run of TAKE_OR_CHARGE said: paid, or refused with the wait until a call is back. */
export type BucketAnswer = { paid: true } | { paid: false; retryAfterMs: number };

export interface FleetBudgetOptions {
  /** perUser: what one user may spend per window across the fleet. */
  callsPerWindow: number;
  windowMs: number;
  /** The Redis key of a user's bucket (an HMAC: no user id at rest, decision 014). */
  keyOf(who: string): string;
}

export class FleetCallBudgets implements UserCallBudgets {
  /**
   * @param link this process's link to Redis: down is used at once, late is waited for as a shared
   *   lookup is (REDIS_TIMEOUT_MS, then a health check; at most REDIS_TIMEOUT_MS + 1 s, decision 021).
   * @param local this process's own buckets: what decides when Redis cannot.
   */
  constructor(
    private readonly link: RedisLink,
    private readonly local: UserCallBudgets & { take(who: string): void },
    private readonly options: FleetBudgetOptions,
  ) {}

  /**
   * Takes one call from `who`'s bucket in Redis, or throws ClerkCallBudgetSpent with Redis's wait.
   * Redis down, or no reply in time: this process's bucket decides. A take Redis then makes late
   * stays charged there: the call counts twice, which errs on the side of Clerk's limit.
   */
  async take(who: string): Promise<void> {
    // Before this process's first connection is made, wait for it as a shared lookup does.
    if (!(await this.link.isUsable())) return this.local.take(who);
    let answer: BucketAnswer;
    try {
      answer = await this.link.awaitReply(this.link.send((client) => this.script(client, who, "take")));
    } catch (error) {
      if (!(error instanceof RedisUnavailable)) throw error;
      return this.local.take(who);
    }
    if (answer.paid) return;
    const { callsPerWindow, windowMs } = this.options;
    throw new ClerkCallBudgetSpent(Math.ceil(answer.retryAfterMs / 1000), callsPerWindow, windowMs / 1000);
  }

  /** Counts a call made without asking, in the background: no request waits for it. Without Redis, locally. */
  charge(who: string): void {
    this.link
      .run(this.link.backgroundDeadline(), (client) => this.script(client, who, "charge"))
      .catch(() => this.local.charge(who));
  }

  /** One run of TAKE_OR_CHARGE on `who`'s bucket. */
  private async script(client: Client, who: string, mode: "take" | "charge"): Promise<BucketAnswer> {
    const { callsPerWindow, windowMs, keyOf } = this.options;
    const reply = await client.eval(TAKE_OR_CHARGE, {
      keys: [keyOf(who)],
      arguments: [String(callsPerWindow), String(windowMs), mode],
    });
    const [paid, retryAfterMs] = reply as [number, number];
    return paid === 1 ? { paid: true } : { paid: false, retryAfterMs };
  }
}
