import type { TemplateTokenCache } from "~/utils/tokens/cache.server";
import { NearCache } from "./near-cache.server";
import { RedisLink, type LinkPurpose } from "./redis-link.server";
import { Revocations } from "./revocations.server";
import { sealingFor } from "./sealing.server";
import { SharedTokenCache } from "./shared-cache.server";

/** A message on the app's channel, when it is one: its type, the token name it is about, its sealed content. */
function eventOf(message: string): { type?: string; name?: string; sealed: string } | undefined {
  try {
    const parsed = JSON.parse(message) as { type?: string; name?: string; sealed?: unknown } | null;
    return typeof parsed?.sealed === "string" ? { ...parsed, sealed: parsed.sealed } : undefined;
  } catch {
    return undefined;
  }
}

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
      const event = eventOf(message);
      if (event?.type === "minted" && typeof event.name === "string") cache.onMinted(event.name, event.sealed);
      if (event?.type === "revoked") revocations.onPublished(event.sealed);
    },
    // A revocation published while the subscriber is away would be missed: no near copy, nor
    // anything another module keeps per user, outlives that.
    onEventsLost: () => {
      near.clear();
      revocations.eventsLost();
    },
  });
  const cache = new SharedTokenCache(options.local, near, link, sealing, options.lockMs);
  const revocations = new Revocations([options.local, near], { link, sealing });
  return { cache, revocations, link };
}

/** What the link's log lines name when no tokens are shared (TOKEN_CACHE=off). */
const SHARING_BUDGETS: LinkPurpose = {
  shared: "each user's share of Clerk calls and Clerk's revocations",
  without: "keeps its own buckets of Clerk calls",
};

/**
 * With TOKEN_CACHE=off nothing is reused, but the fleet still shares each user's share of Clerk
 * calls (decision 026) and hears Clerk's revocations, which other modules act on (decision 032).
 */
export function revokeThroughRedis(options: { url: string; timeoutMs: number; secretKey: string }) {
  const sealing = sealingFor(options.secretKey);
  const link = new RedisLink(
    options.url,
    options.timeoutMs,
    {
      onMessage(message) {
        const event = eventOf(message);
        if (event?.type === "revoked") revocations.onPublished(event.sealed);
      },
      onEventsLost: () => revocations.eventsLost(),
    },
    SHARING_BUDGETS,
  );
  const revocations = new Revocations([], { link, sealing });
  return { revocations, link };
}
