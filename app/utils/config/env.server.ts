import { availableParallelism } from "node:os";
import { createPublicKey } from "node:crypto";
import { z } from "zod";

/**
 * How the server's configuration is read from environment variables. A bad
 * value is reported with a message that names the variable and says how to
 * fix it. `config.server.ts` applies this to process.env at start-up.
 */

const DASHBOARD_KEYS_URL = "https://dashboard.clerk.com/last-active?path=api-keys";
/** Where Clerk's documented proxy forwards Frontend API calls. */
const CLERK_FRONTEND_API = "https://frontend-api.clerk.dev";
const OFFLINE_HINT =
  "Or, with both CLERK_SECRET_KEY and CLERK_PUBLISHABLE_KEY unset, run the offline Clerk emulator: " +
  "`npm run dev`, or `npm run start:offline` for the production build.";

/** Clerk's template names are short identifiers; anything else never reaches Clerk. */
export const TEMPLATE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** A comma-separated list (blanks and empty entries dropped), each entry checked by `entry`. */
const commaSeparated = (entry: z.ZodString) =>
  z
    .string()
    .optional()
    .transform((list) =>
      (list ?? "")
        .split(",")
        .map((item) => item.trim())
        .filter(Boolean),
    )
    .pipe(z.array(entry));

const templateName = z.string().trim().regex(TEMPLATE_NAME_PATTERN, "must be 1-64 letters, digits, '-' or '_'");

/** `CLERK_JWT_TEMPLATES=*`: every template the instance has, read from the Backend API. */
export const EVERY_INSTANCE_TEMPLATE = "*";
const templateListEntry = z
  .string()
  .regex(
    /^(?:\*|[A-Za-z0-9][A-Za-z0-9_-]{0,63})$/,
    "must be 1-64 letters, digits, '-' or '_' (names separated by commas), or * alone for every template",
  );

const REFRESH_MESSAGE = "must be a whole number of seconds from 1 to 3600";

const ORIGINS_MESSAGE =
  "must be a comma-separated list of origins (scheme://host[:port], no path), such as https://app.example.com";
const isOrigin = (value: string) => URL.canParse(value) && new URL(value).origin === value;

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
const PROXY_TIMEOUT_MESSAGE = "must be a whole number of milliseconds from 1000 to 120000";

/** True when `pem` is a public key Node can import, as Clerk's verification will have to. */
function isImportablePublicKey(pem: string): boolean {
  try {
    return createPublicKey(pem).asymmetricKeyType === "rsa";
  } catch {
    return false;
  }
}

/**
 * Where the proxy may not be mounted: at the root it would forward the whole
 * app (Authorization and Clerk-Secret-Key included), and over the JSON API or
 * Remix's assets (remix.config.js publicPath) it would take their requests.
 */
const PATHS_THE_PROXY_MAY_NOT_TAKE = ["/api", "/build"];

function proxyPathOf(url: string): string {
  return new URL(url, "http://app.invalid").pathname.replace(/\/+$/, "") || "/";
}

function proxyPathClashes(path: string): boolean {
  const lower = path.toLowerCase();
  return (
    lower === "/" || PATHS_THE_PROXY_MAY_NOT_TAKE.some((taken) => lower === taken || lower.startsWith(`${taken}/`))
  );
}

function decodePublishableKeyHost(key: string): string | undefined {
  const encoded = key.replace(/^pk_(test|live)_/, "");
  const decoded = Buffer.from(encoded, "base64").toString("utf8");
  return decoded.endsWith("$") ? decoded.slice(0, -1) : undefined;
}

const envSchema = z.object({
  CLERK_SECRET_KEY: z
    .string({ error: `is missing. Copy the secret key from ${DASHBOARD_KEYS_URL}. ${OFFLINE_HINT}` })
    // Spaces around a pasted key are not part of it.
    .trim()
    .regex(/^sk_(test|live)_\S+$/, `must start with sk_test_ or sk_live_ (copy it from ${DASHBOARD_KEYS_URL})`),
  CLERK_PUBLISHABLE_KEY: z
    .string({ error: `is missing. Copy the publishable key from ${DASHBOARD_KEYS_URL}. ${OFFLINE_HINT}` })
    .trim()
    .refine(
      (key) => /^pk_(test|live)_/.test(key) && decodePublishableKeyHost(key)?.includes("."),
      `is not a valid Clerk publishable key (pk_test_… or pk_live_…); copy it from ${DASHBOARD_KEYS_URL}`,
    ),
  CLERK_API_URL: z.url({ error: "must be a URL such as https://api.clerk.com" }).default("https://api.clerk.com"),
  CLERK_JWT_KEY: z
    .string()
    // Written on one line with literal \n (as in many .env files and CI secrets), it is the same key.
    .transform((pem) => pem.replaceAll("\\n", "\n").trim())
    .refine(
      (pem) => pem.startsWith("-----BEGIN PUBLIC KEY-----") && isImportablePublicKey(pem),
      "must be the PEM public key from the Clerk Dashboard (API keys → JWKS public key), with its BEGIN and END lines",
    )
    .optional(),
  CLERK_JWT_TEMPLATE: templateName.default("test"),
  CLERK_JWT_TEMPLATES: commaSeparated(templateListEntry).pipe(
    z
      .array(z.string())
      .max(50)
      .refine(
        (list) => !list.includes(EVERY_INSTANCE_TEMPLATE) || list.length === 1,
        "is either * (every template the instance has) or a list of names, not both",
      ),
  ),
  TEMPLATE_LIST_REFRESH_SECONDS: z.coerce
    .number({ error: REFRESH_MESSAGE })
    .int(REFRESH_MESSAGE)
    .min(1, REFRESH_MESSAGE)
    .max(3600, REFRESH_MESSAGE)
    .default(60),
  TEMPLATE_EDITING: z
    .enum(["on", "off"], { error: "must be on (create and edit JWT templates in /templates) or off" })
    .optional(),
  CLERK_API_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  CLERK_PROXY_URL: z
    .string()
    .refine(
      (url) => /^\/[\w./-]*[\w-]$/.test(url) || (URL.canParse(url) && /^https?:$/.test(new URL(url).protocol)),
      "must be a path such as /__clerk or a full URL such as https://app.example.com/__clerk",
    )
    .refine(
      (url) => !proxyPathClashes(proxyPathOf(url)),
      `must have a path of its own, such as /__clerk: not the root, nor under ${PATHS_THE_PROXY_MAY_NOT_TAKE.join(" or ")}`,
    )
    .optional(),
  CLERK_AUTHORIZED_PARTIES: commaSeparated(z.string().refine(isOrigin, ORIGINS_MESSAGE)),
  CLERK_FRONTEND_API_URL: z.url({ error: "must be a URL such as https://frontend-api.clerk.dev" }).optional(),
  CLERK_PROXY_TIMEOUT_MS: z.coerce
    .number({ error: PROXY_TIMEOUT_MESSAGE })
    .int(PROXY_TIMEOUT_MESSAGE)
    .min(1000, PROXY_TIMEOUT_MESSAGE)
    .max(120_000, PROXY_TIMEOUT_MESSAGE)
    .default(15_000),
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
  OFFLINE_SIGN_IN_HINT: z.string().trim().max(500, "must be at most 500 characters").optional(),
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
  CLERK_WEBHOOK_SIGNING_SECRET: z
    .string()
    .trim()
    .regex(/^whsec_[A-Za-z0-9+/]{16,}={0,2}$/, WEBHOOK_SECRET_MESSAGE)
    .optional(),
});

export class ConfigError extends Error {
  constructor(issues: string[]) {
    super(
      `Invalid configuration:\n${issues.map((issue) => `  - ${issue}`).join("\n")}\nSee docs/environment.md for every variable.`,
    );
    this.name = "ConfigError";
    // The message already says everything: print it without a stack trace.
    this.stack = this.message;
  }
}

/**
 * Editing templates is on by default with the emulator, on request with a development
 * instance, and refused with a production instance's key, where a slip would break live tokens.
 */
function templateEditingOf(setting: "on" | "off" | undefined, secretKey: string, offline: boolean): boolean {
  if (setting === "on" && secretKey.startsWith("sk_live_")) {
    throw new ConfigError([
      "TEMPLATE_EDITING=on is refused with a production key (sk_live_): editing would change live tokens. " +
        "Use a development instance's sk_test_ key, or unset TEMPLATE_EDITING.",
    ]);
  }
  return setting === undefined ? offline : setting === "on";
}

export type AppConfig = ReturnType<typeof loadConfig>;

export function loadConfig(env: Record<string, string | undefined>) {
  const withoutEmptyValues = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const parsed = envSchema.safeParse(withoutEmptyValues);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`));
  }
  const vars = parsed.data;
  const apiUrl = new URL(vars.CLERK_API_URL);
  // A Backend API on this machine can only be the offline emulator, which serves the Frontend API too.
  const usesOfflineEmulator = ["127.0.0.1", "localhost", "[::1]"].includes(apiUrl.hostname);
  const everyInstanceTemplate = vars.CLERK_JWT_TEMPLATES.includes(EVERY_INSTANCE_TEMPLATE);
  return {
    secretKey: vars.CLERK_SECRET_KEY,
    publishableKey: vars.CLERK_PUBLISHABLE_KEY,
    // The publishable key names the instance's Frontend API host; the schema checked it decodes.
    frontendApiHost: decodePublishableKeyHost(vars.CLERK_PUBLISHABLE_KEY)!,
    apiUrl: apiUrl.origin,
    jwtKey: vars.CLERK_JWT_KEY,
    defaultTemplate: vars.CLERK_JWT_TEMPLATE,
    // The default template is always allowed, whatever the list says.
    allowedTemplates: everyInstanceTemplate
      ? [vars.CLERK_JWT_TEMPLATE]
      : [...new Set([vars.CLERK_JWT_TEMPLATE, ...vars.CLERK_JWT_TEMPLATES])],
    // With `*`, the instance's own list (refreshed) allows a name, besides the default template.
    everyInstanceTemplate,
    templateListRefreshMs: vars.TEMPLATE_LIST_REFRESH_SECONDS * 1000,
    templateEditing: templateEditingOf(vars.TEMPLATE_EDITING, vars.CLERK_SECRET_KEY, usesOfflineEmulator),
    apiTimeoutMs: vars.CLERK_API_TIMEOUT_MS,
    port: vars.PORT,
    host: vars.HOST,
    // The origins whose session tokens (their azp) are accepted; none listed: any.
    authorizedParties: vars.CLERK_AUTHORIZED_PARTIES.length > 0 ? vars.CLERK_AUTHORIZED_PARTIES : undefined,
    tokenCache: { enabled: vars.TOKEN_CACHE === "on", maxEntries: vars.TOKEN_CACHE_MAX_ENTRIES },
    usesOfflineEmulator,
    workers: vars.WEB_CONCURRENCY,
    redis: vars.REDIS_URL
      ? { url: vars.REDIS_URL, timeoutMs: vars.REDIS_TIMEOUT_MS, nearCacheMs: vars.REDIS_NEAR_CACHE_MS }
      : undefined,
    webhookSigningSecret: vars.CLERK_WEBHOOK_SIGNING_SECRET,
    /** How to sign in offline (the launcher sets it from the emulator's seed); shown in the banner. */
    offlineSignInHint: usesOfflineEmulator ? vars.OFFLINE_SIGN_IN_HINT : undefined,
    /** How many proxies in front of this server to trust for X-Forwarded-* (Express's `trust proxy`); 0 trusts none. */
    trustedProxies: vars.TRUST_PROXY,
    clerkProxy: vars.CLERK_PROXY_URL
      ? {
          // Where clerk-js sends its Frontend API calls, and where this server forwards them.
          path: proxyPathOf(vars.CLERK_PROXY_URL),
          // Clerk-Proxy-Url as configured when it is a full URL; else it is made from each request's origin.
          url: URL.canParse(vars.CLERK_PROXY_URL) ? vars.CLERK_PROXY_URL : undefined,
          timeoutMs: vars.CLERK_PROXY_TIMEOUT_MS,
          target: vars.CLERK_FRONTEND_API_URL ?? (usesOfflineEmulator ? apiUrl.origin : CLERK_FRONTEND_API),
        }
      : undefined,
  };
}
