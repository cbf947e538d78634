import { decodeJwt } from "jose";
import { LRUCache } from "lru-cache";
import { FreshCalls } from "~/utils/tokens/fresh-calls.server";

/**
 * Reuse of template tokens: one Clerk call per session and template for most
 * of a token's life, instead of one per request. Tokens are kept by a key the
 * caller builds from the *verified* session id and the template, so a token
 * is never handed to another session.
 */

/** What a lookup did: reused a token, called Clerk for a missing one, or called Clerk regardless. */
export type CacheOutcome = "hit" | "miss" | "bypass";

export interface TokenLookup {
  jwt: string;
  outcome: CacheOutcome;
  /** How long the Clerk call behind this answer took; absent on a hit. */
  clerkMs?: number;
}

export interface Clock {
  /** Milliseconds: what reuse windows are measured by, from each token's receipt. */
  now(): number;
}

// A reused token keeps enough life for its receiver to use it: at least
// 10 s, and at least a quarter of its lifetime for long-lived templates.
const MIN_REMAINING_MS = 10_000;
const MIN_REMAINING_SHARE = 0.25;

/**
 * How long after its receipt this token may be handed out again: its own
 * lifetime (exp − iat) less max(10 s, 25 % of it). Counted on the token's
 * lifetime, never this server's clock against Clerk's `exp`: a server clock
 * behind Clerk's would otherwise keep serving a token past its `exp`.
 * 0 when it may not be reused at all (too short-lived, or no readable `exp`/`iat`).
 */
export function reusableForMs(jwt: string): number {
  let claims: ReturnType<typeof decodeJwt>;
  try {
    claims = decodeJwt(jwt);
  } catch {
    return 0;
  }
  const { exp, iat } = claims;
  if (typeof exp !== "number" || typeof iat !== "number" || exp <= iat) return 0;
  const lifetimeMs = (exp - iat) * 1000;
  return Math.max(0, Math.floor(lifetimeMs - Math.max(MIN_REMAINING_MS, MIN_REMAINING_SHARE * lifetimeMs)));
}

/** The `Server-Timing` value for a lookup: its outcome, and the Clerk call's duration when there was one. */
export function serverTimingOf(lookup: TokenLookup): string {
  const cache = `cache;desc="${lookup.outcome}"`;
  return lookup.clerkMs === undefined ? cache : `${cache}, clerk;dur=${lookup.clerkMs.toFixed(1)}`;
}

type Minted = { jwt: string; clerkMs: number };

async function timed(mint: () => Promise<string>): Promise<Minted> {
  const started = performance.now();
  const jwt = await mint();
  return { jwt, clerkMs: performance.now() - started };
}

export class TemplateTokenCache {
  private readonly enabled: boolean;
  private readonly forgetsTokenAfter: (error: unknown) => boolean;
  private readonly reusable: LRUCache<string, string>;
  // Clerk calls under way, by key: concurrent misses wait for the same call
  // instead of each making their own. Settled calls leave this map at once.
  private readonly pending = new Map<string, Promise<Minted>>();
  private readonly freshCalls = new FreshCalls<Minted>();

  /**
   * @param enabled false calls Clerk on every lookup (the documented pattern): nothing is kept or shared.
   * @param maxEntries the most tokens kept; the least recently used ones go first.
   * @param forgetsTokenAfter which failures also drop the token a call was to replace (by default every one).
   */
  constructor(options: {
    enabled: boolean;
    maxEntries: number;
    clock?: Clock;
    forgetsTokenAfter?: (error: unknown) => boolean;
  }) {
    this.enabled = options.enabled;
    this.forgetsTokenAfter = options.forgetsTokenAfter ?? (() => true);
    this.reusable = new LRUCache<string, string>({
      max: options.maxEntries,
      perf: options.clock ?? Date,
      // Read the clock on every lookup (it is cheap), so no token is served past its reuse window.
      ttlResolution: 0,
    });
  }

  /** How many tokens are kept right now; never more than maxEntries. */
  get size(): number {
    return this.reusable.size;
  }

  /**
   * A token for `key`: a kept one while it has enough life left, else the one
   * `mint` gets from Clerk. `fresh` gets a Clerk call that starts after it is
   * asked for (one already under way may have begun before a revocation),
   * shared with other fresh lookups of the moment, and keeps the new token.
   * A failed call is thrown to every caller waiting for it and keeps nothing.
   */
  async lookup(key: string, mint: () => Promise<string>, { fresh = false } = {}): Promise<TokenLookup> {
    if (!this.enabled) return { outcome: "bypass", ...(await timed(mint)) };
    if (fresh) return { outcome: "bypass", ...(await this.freshCalls.run(key, () => this.mintAndKeep(key, mint))) };
    const jwt = this.reusable.get(key);
    if (jwt !== undefined) return { jwt, outcome: "hit" };
    return { outcome: "miss", ...(await (this.pending.get(key) ?? this.mintAndKeep(key, mint))) };
  }

  /**
   * Forgets every kept token whose key passes `test` (a revoked session's or
   * user's), and keeps nothing from a call for such a key already under way.
   */
  dropWhere(test: (key: string) => boolean): void {
    for (const key of [...this.reusable.keys()].filter(test)) this.reusable.delete(key);
    for (const key of [...this.pending.keys()].filter(test)) this.pending.delete(key);
  }

  /**
   * Calls Clerk, and keeps what it answers unless a newer call for the key
   * has started meanwhile: only the latest call's answer is kept or dropped.
   */
  private mintAndKeep(key: string, mint: () => Promise<string>): Promise<Minted> {
    const isLatest = () => this.pending.get(key) === call;
    const call: Promise<Minted> = timed(mint)
      .then(
        (minted) => {
          // The reuse window starts now, when the token is received.
          const ttl = reusableForMs(minted.jwt);
          if (!isLatest()) return minted;
          if (ttl > 0) this.reusable.set(key, minted.jwt, { ttl });
          else this.reusable.delete(key);
          return minted;
        },
        (error: unknown) => {
          // The error is never kept. The token the call was to replace goes too when the failure
          // says it may be stale (the session ended); a rate limit or an outage says nothing about
          // it, and dropping it then would turn every later request into another call.
          if (isLatest() && this.forgetsTokenAfter(error)) this.reusable.delete(key);
          throw error;
        },
      )
      .finally(() => {
        if (isLatest()) this.pending.delete(key);
      });
    this.pending.set(key, call);
    return call;
  }
}
