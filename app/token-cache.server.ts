import { decodeJwt } from "jose";
import { LRUCache } from "lru-cache";

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
  /** Milliseconds since the epoch, the scale of a JWT's `exp` × 1000. */
  now(): number;
}

// A reused token keeps enough life for its receiver to use it: at least
// 10 s, and at least a quarter of its lifetime for long-lived templates.
const MIN_REMAINING_MS = 10_000;
const MIN_REMAINING_SHARE = 0.25;

/**
 * How much longer, from `nowMs`, this token may be handed out again: until
 * max(10 s, 25 % of its lifetime) before its `exp`, both read from the token
 * itself. 0 when it may not be reused at all (too little life left, or no
 * readable `exp`/`iat`).
 */
export function reusableForMs(jwt: string, nowMs: number): number {
  let claims: ReturnType<typeof decodeJwt>;
  try {
    claims = decodeJwt(jwt);
  } catch {
    return 0;
  }
  const { exp, iat } = claims;
  if (typeof exp !== "number" || typeof iat !== "number" || exp <= iat) return 0;
  const minRemainingMs = Math.max(MIN_REMAINING_MS, MIN_REMAINING_SHARE * (exp - iat) * 1000);
  return Math.max(0, Math.floor(exp * 1000 - minRemainingMs - nowMs));
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
  private readonly clock: Clock;
  private readonly reusable: LRUCache<string, string>;
  // Clerk calls under way, by key: concurrent misses wait for the same call
  // instead of each making their own. Settled calls leave this map at once.
  private readonly pending = new Map<string, Promise<Minted>>();

  /**
   * @param enabled false calls Clerk on every lookup (the documented pattern): nothing is kept or shared.
   * @param maxEntries the most tokens kept; the least recently used ones go first.
   */
  constructor(options: { enabled: boolean; maxEntries: number; clock?: Clock }) {
    this.enabled = options.enabled;
    this.clock = options.clock ?? Date;
    this.reusable = new LRUCache<string, string>({
      max: options.maxEntries,
      perf: this.clock,
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
   * `mint` gets from Clerk. `fresh` always calls Clerk and keeps the new token.
   * A failed call is thrown to every caller waiting for it and keeps nothing.
   */
  async lookup(key: string, mint: () => Promise<string>, { fresh = false } = {}): Promise<TokenLookup> {
    if (!this.enabled) return { outcome: "bypass", ...(await timed(mint)) };
    if (!fresh) {
      const jwt = this.reusable.get(key);
      if (jwt !== undefined) return { jwt, outcome: "hit" };
    }
    const minted = await (this.pending.get(key) ?? this.mintAndKeep(key, mint));
    return { outcome: fresh ? "bypass" : "miss", ...minted };
  }

  /** Forgets every kept token whose key passes `test`: a revoked session's or user's. */
  dropWhere(test: (key: string) => boolean): void {
    for (const key of [...this.reusable.keys()].filter(test)) this.reusable.delete(key);
  }

  private mintAndKeep(key: string, mint: () => Promise<string>): Promise<Minted> {
    const call = timed(mint)
      .then(
        (minted) => {
          const ttl = reusableForMs(minted.jwt, this.clock.now());
          if (ttl > 0) this.reusable.set(key, minted.jwt, { ttl });
          else this.reusable.delete(key);
          return minted;
        },
        (error: unknown) => {
          // Nothing outlives a failed call: not the error, nor the token it was to replace
          // (Clerk may just have said the session is gone).
          this.reusable.delete(key);
          throw error;
        },
      )
      .finally(() => this.pending.delete(key));
    this.pending.set(key, call);
    return call;
  }
}
