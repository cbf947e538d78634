import { saysTokenIsStale } from "~/utils/clerk/errors.server";
import { config } from "~/utils/config/config.server";
import { TemplateTokenCache } from "~/utils/tokens/cache.server";
import { RedisLink } from "./redis-link.server";
import { Revocations } from "./revocations.server";
import { sealingFor } from "./sealing.server";
import { SharedTokenCache } from "./shared-cache.server";

/**
 * The server's token reuse: this process's cache, as always; shared through
 * Redis when REDIS_URL is set (and TOKEN_CACHE is on); and the revocations
 * that Clerk's webhooks trigger.
 */

// Beyond a Clerk call's whole budget, a lock is held by a process that died.
const LOCK_MARGIN_MS = 1000;

export const localTokenCache = new TemplateTokenCache({ ...config.tokenCache, forgetsTokenAfter: saysTokenIsStale });

function sharing() {
  if (!config.redis || !config.tokenCache.enabled) return undefined;
  const sealing = sealingFor(config.secretKey);
  const link = new RedisLink(config.redis.url, config.redis.timeoutMs, (message) => {
    let parsed: { type?: string; name?: string; sealed?: string };
    try {
      parsed = JSON.parse(message);
    } catch {
      return;
    }
    if (typeof parsed?.sealed !== "string") return;
    if (parsed.type === "minted" && typeof parsed.name === "string") cache.onMinted(parsed.name, parsed.sealed);
    if (parsed.type === "revoked") revocations.onPublished(parsed.sealed);
  });
  const cache = new SharedTokenCache(localTokenCache, link, sealing, config.apiTimeoutMs + LOCK_MARGIN_MS);
  const revocations = new Revocations(localTokenCache, { link, sealing });
  return { cache, revocations };
}

const shared = sharing();

/** Template tokens shared through Redis; undefined without REDIS_URL (or with TOKEN_CACHE=off). */
export const sharedTokenCache = shared?.cache;
export const revocations = shared?.revocations ?? new Revocations(localTokenCache);
