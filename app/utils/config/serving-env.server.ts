import { availableParallelism } from "node:os";
import { z } from "zod";
import { ConfigError } from "~/utils/config/schema.server";

/** The variables that say how this server listens, runs its workers and reuses tokens. */

const MAX_ENTRIES_MESSAGE = "must be a whole number of tokens from 1 to 1000000";
const WORKERS_MESSAGE = "must be a whole number of worker processes from 1 to 64, or auto (one per CPU core)";
const REDIS_TIMEOUT_MESSAGE =
  "must be a whole number of milliseconds from 5 to 2000: how late a Redis reply may be before the process checks that Redis is alive";
const NEAR_CACHE_MESSAGE =
  "must be a whole number of milliseconds from 0 to 60000: how long a process serves a shared token it already holds without asking Redis (0: ask Redis every time)";
const REDIS_URL_MESSAGE =
  "must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379 (or unset, to reuse tokens in each process only)";
const WEBHOOK_SECRET_MESSAGE =
  "must be your webhook endpoint's signing secret, whsec_ followed by base64 (Clerk Dashboard → Webhooks → the endpoint → Signing Secret), or unset to turn webhooks off";
const PORT_MESSAGE = "must be a port number from 1 to 65535, such as 3000";
const RATE_LIMIT_MESSAGE =
  "must be your instance's Backend API rate limit as calls/seconds, such as 1000/10s (Clerk's production limit) or 100/10s (development)";
const SHARE_MESSAGE = "must be a whole percentage from 1 to 100: how much of CLERK_RATE_LIMIT one user may spend";
const HEADERS_TIMEOUT_MESSAGE = "must be a whole number of milliseconds from 1000 to 120000";
const REQUEST_TIMEOUT_MESSAGE = "must be a whole number of milliseconds from 1000 to 600000";

export const servingSchema = {
  TRUST_PROXY: z
    .string()
    .regex(/^(off|[1-9])$/, "must be off (the default: no proxy in front) or the number of proxies in front, 1 to 9")
    .default("off")
    .transform((value) => (value === "off" ? 0 : Number(value))),
  PORT: z.coerce
    .number({ error: PORT_MESSAGE })
    .int(PORT_MESSAGE)
    .min(1, PORT_MESSAGE)
    .max(65_535, PORT_MESSAGE)
    .default(3000),
  HOST: z.string().trim().min(1).default("127.0.0.1"),
  HEADERS_TIMEOUT_MS: z.coerce
    .number({ error: HEADERS_TIMEOUT_MESSAGE })
    .int(HEADERS_TIMEOUT_MESSAGE)
    .min(1000, HEADERS_TIMEOUT_MESSAGE)
    .max(120_000, HEADERS_TIMEOUT_MESSAGE)
    .default(10_000),
  REQUEST_TIMEOUT_MS: z.coerce
    .number({ error: REQUEST_TIMEOUT_MESSAGE })
    .int(REQUEST_TIMEOUT_MESSAGE)
    .min(1000, REQUEST_TIMEOUT_MESSAGE)
    .max(600_000, REQUEST_TIMEOUT_MESSAGE)
    .default(30_000),
  TOKEN_CACHE: z
    .enum(["on", "off"], { error: "must be on (reuse template tokens) or off (call Clerk on every request)" })
    .default("on"),
  TOKEN_CACHE_MAX_ENTRIES: z.coerce
    .number({ error: MAX_ENTRIES_MESSAGE })
    .int(MAX_ENTRIES_MESSAGE)
    .min(1, MAX_ENTRIES_MESSAGE)
    .max(1_000_000, MAX_ENTRIES_MESSAGE)
    .default(10_000),
  WEB_CONCURRENCY: z
    .string()
    .trim()
    .regex(/^(auto|[1-9]\d?)$/, WORKERS_MESSAGE)
    .transform((value) => (value === "auto" ? availableParallelism() : Number(value)))
    .pipe(z.number().max(64, WORKERS_MESSAGE))
    .default(1),
  REDIS_URL: z
    .string()
    .refine((url) => URL.canParse(url) && ["redis:", "rediss:"].includes(new URL(url).protocol), REDIS_URL_MESSAGE)
    .optional(),
  REDIS_TIMEOUT_MS: z.coerce
    .number({ error: REDIS_TIMEOUT_MESSAGE })
    .int(REDIS_TIMEOUT_MESSAGE)
    .min(5, REDIS_TIMEOUT_MESSAGE)
    .max(2000, REDIS_TIMEOUT_MESSAGE)
    .default(50),
  REDIS_NEAR_CACHE_MS: z.coerce
    .number({ error: NEAR_CACHE_MESSAGE })
    .int(NEAR_CACHE_MESSAGE)
    .min(0, NEAR_CACHE_MESSAGE)
    .max(60_000, NEAR_CACHE_MESSAGE)
    .default(5000),
  CLERK_RATE_LIMIT: z
    .string()
    .trim()
    .regex(/^[1-9]\d{0,6}\/[1-9]\d{0,3}s?$/, RATE_LIMIT_MESSAGE)
    .transform((limit) => {
      const [calls, seconds] = limit.replace(/s$/, "").split("/").map(Number);
      return { calls: calls!, windowSeconds: seconds! };
    })
    .optional(),
  CLERK_USER_SHARE_PERCENT: z.coerce
    .number({ error: SHARE_MESSAGE })
    .int(SHARE_MESSAGE)
    .min(1, SHARE_MESSAGE)
    .max(100, SHARE_MESSAGE)
    .default(10),
  CLERK_WEBHOOK_SIGNING_SECRET: z
    .string()
    .trim()
    .regex(/^whsec_[A-Za-z0-9+/]{16,}={0,2}$/, WEBHOOK_SECRET_MESSAGE)
    .optional(),
};

type ServingVars = z.output<z.ZodObject<typeof servingSchema>>;

/** Clerk's Backend API limits per instance (per secret key), by the kind the publishable key names. */
const CLERK_RATE_LIMITS = {
  production: { calls: 1000, windowSeconds: 10 },
  development: { calls: 100, windowSeconds: 10 },
};

/**
 * Each user's share of Clerk's rate limit, as a token bucket per process: CLERK_USER_SHARE_PERCENT
 * of CLERK_RATE_LIMIT per window, split between the WEB_CONCURRENCY workers, at least one call
 * (docs/decisions/026-per-user-clerk-call-budget.md).
 */
function clerkCallBudgetOf(vars: ServingVars, publishableKey: string) {
  const instanceLimit =
    vars.CLERK_RATE_LIMIT ?? CLERK_RATE_LIMITS[publishableKey.startsWith("pk_live_") ? "production" : "development"];
  const perUser = Math.max(1, Math.floor((instanceLimit.calls * vars.CLERK_USER_SHARE_PERCENT) / 100));
  return {
    instanceLimit,
    /** Calls one user may make per window, on this machine's workers together. */
    perUser,
    /** Calls one user may make per window in this process: the bucket's size, refilled over the window. */
    perProcess: Math.max(1, Math.floor(perUser / vars.WEB_CONCURRENCY)),
    windowMs: instanceLimit.windowSeconds * 1000,
  };
}

/** Where to listen, behind how many proxies, with how many workers, and how tokens are reused. */
export function servingConfigOf(vars: ServingVars, clerk: { publishableKey: string }) {
  if (vars.HEADERS_TIMEOUT_MS > vars.REQUEST_TIMEOUT_MS) {
    throw new ConfigError([
      `HEADERS_TIMEOUT_MS (${vars.HEADERS_TIMEOUT_MS}) must not exceed REQUEST_TIMEOUT_MS (${vars.REQUEST_TIMEOUT_MS}): ` +
        "the whole request, headers included, must arrive within REQUEST_TIMEOUT_MS.",
    ]);
  }
  return {
    port: vars.PORT,
    host: vars.HOST,
    /** How long a client may take to send a request's headers, and the whole request (server/timeouts.ts). */
    receiveTimeouts: { headersMs: vars.HEADERS_TIMEOUT_MS, requestMs: vars.REQUEST_TIMEOUT_MS },
    tokenCache: { enabled: vars.TOKEN_CACHE === "on", maxEntries: vars.TOKEN_CACHE_MAX_ENTRIES },
    clerkCallBudget: clerkCallBudgetOf(vars, clerk.publishableKey),
    workers: vars.WEB_CONCURRENCY,
    redis: vars.REDIS_URL
      ? { url: vars.REDIS_URL, timeoutMs: vars.REDIS_TIMEOUT_MS, nearCacheMs: vars.REDIS_NEAR_CACHE_MS }
      : undefined,
    webhookSigningSecret: vars.CLERK_WEBHOOK_SIGNING_SECRET,
    /** How many proxies in front of this server to trust for X-Forwarded-* (Express's `trust proxy`); 0 trusts none. */
    trustedProxies: vars.TRUST_PROXY,
  };
}
