import type { TemplateTokenCache } from "~/utils/tokens/cache.server";
import { NearCache } from "./near-cache.server";
import { RedisLink } from "./redis-link.server";
import { Revocations } from "./revocations.server";
import { sealingFor } from "./sealing.server";
import { SharedTokenCache } from "./shared-cache.server";

/**
 * One process's part in sharing through Redis: the link, the shared cache
 * with its near copies, and revocations, wired to the app's channel.
 */
export function shareThroughRedis(options: {
  url: string;
  /** REDIS_TIMEOUT_MS. */
  timeoutMs: number;
  /** REDIS_NEAR_CACHE_MS. */
  nearCacheMs: number;
  /** Both sealing keys are derived from it. */
  secretKey: string;
  /** How long a Clerk call may hold the lock. */
  lockMs: number;
  /** This process's own cache: the answer when Redis cannot be used. */
  local: TemplateTokenCache;
  maxEntries: number;
}) {
  const sealing = sealingFor(options.secretKey);
  const near = new NearCache(options.nearCacheMs, { maxEntries: options.maxEntries });
  const link = new RedisLink(options.url, options.timeoutMs, {
    onMessage(message) {
      let parsed: { type?: string; name?: string; sealed?: string };
      try {
        parsed = JSON.parse(message);
      } catch {
        return;
      }
      if (typeof parsed?.sealed !== "string") return;
      if (parsed.type === "minted" && typeof parsed.name === "string") cache.onMinted(parsed.name, parsed.sealed);
      if (parsed.type === "revoked") revocations.onPublished(parsed.sealed);
    },
    // A revocation published while the subscriber is away would be missed: no near copy outlives that.
    onEventsLost: () => near.clear(),
  });
  const cache = new SharedTokenCache(options.local, near, link, sealing, options.lockMs);
  const revocations = new Revocations([options.local, near], { link, sealing });
  return { cache, revocations, link };
}
