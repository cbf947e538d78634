import { LRUCache } from "lru-cache";
import type { Clock } from "~/utils/tokens/cache.server";

/**
 * Near copies: shared tokens this process already holds, served again without
 * a Redis round trip. A copy lives min(what is left of its reuse window, B),
 * B = REDIS_NEAR_CACHE_MS. Revocations reach every process through pub/sub and
 * drop their copies; B bounds how long a copy outlives a message this process
 * missed, and none is kept while it cannot hear them. Decision 022.
 */
export class NearCache {
  private readonly copies: LRUCache<string, string> | undefined;
  // Counts drops: a lookup that began before one must not keep what it read.
  private drops = 0;

  /** @param boundMs B; 0 keeps no copies. */
  constructor(
    readonly boundMs: number,
    options: { maxEntries: number; clock?: Clock },
  ) {
    this.copies =
      boundMs > 0
        ? new LRUCache<string, string>({
            max: options.maxEntries,
            perf: options.clock ?? performance,
            ttlResolution: 0,
          })
        : undefined;
  }

  /** Taken when a lookup begins, and handed back to keep(). */
  get generation(): number {
    return this.drops;
  }

  get(key: string): string | undefined {
    return this.copies?.get(key);
  }

  /**
   * Keeps a copy of `jwt` for min(`windowLeftMs`, B), unless something was dropped since
   * `generation` was read: it may have been this token, revoked while the lookup ran.
   */
  keep(key: string, jwt: string, windowLeftMs: number, generation: number) {
    const ttl = Math.min(windowLeftMs, this.boundMs);
    if (!this.copies || generation !== this.drops || ttl <= 0) return;
    this.copies.set(key, jwt, { ttl });
  }

  drop(key: string) {
    this.drops += 1;
    this.copies?.delete(key);
  }

  dropWhere(test: (key: string) => boolean) {
    this.drops += 1;
    for (const key of [...(this.copies?.keys() ?? [])].filter(test)) this.copies?.delete(key);
  }

  clear() {
    this.drops += 1;
    this.copies?.clear();
  }
}
