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
  "Or leave both CLERK_SECRET_KEY and CLERK_PUBLISHABLE_KEY unset and run `npm run dev` to use the offline Clerk emulator.";

/** Clerk's template names are short identifiers; anything else never reaches Clerk. */
const TEMPLATE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

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

const ORIGINS_MESSAGE =
  "must be a comma-separated list of origins (scheme://host[:port], no path), such as https://app.example.com";
const isOrigin = (value: string) => URL.canParse(value) && new URL(value).origin === value;

const MAX_ENTRIES_MESSAGE = "must be a whole number of tokens from 1 to 1000000";

function decodePublishableKeyHost(key: string): string | undefined {
  const encoded = key.replace(/^pk_(test|live)_/, "");
  const decoded = Buffer.from(encoded, "base64").toString("utf8");
  return decoded.endsWith("$") ? decoded.slice(0, -1) : undefined;
}

const envSchema = z.object({
  CLERK_SECRET_KEY: z
    .string({ error: `is missing. Copy the secret key from ${DASHBOARD_KEYS_URL}. ${OFFLINE_HINT}` })
    .regex(/^sk_(test|live)_\S+$/, `must start with sk_test_ or sk_live_ (copy it from ${DASHBOARD_KEYS_URL})`),
  CLERK_PUBLISHABLE_KEY: z
    .string({ error: `is missing. Copy the publishable key from ${DASHBOARD_KEYS_URL}. ${OFFLINE_HINT}` })
    .refine(
      (key) => /^pk_(test|live)_/.test(key) && decodePublishableKeyHost(key)?.includes("."),
      `is not a valid Clerk publishable key (pk_test_… or pk_live_…); copy it from ${DASHBOARD_KEYS_URL}`,
    ),
  CLERK_API_URL: z.url({ error: "must be a URL such as https://api.clerk.com" }).default("https://api.clerk.com"),
  CLERK_JWT_KEY: z
    .string()
    .refine(
      (pem) => pem.includes("-----BEGIN PUBLIC KEY-----"),
      "must be the PEM public key from the Clerk Dashboard (API keys → JWKS public key)",
    )
    .optional(),
  CLERK_JWT_TEMPLATE: templateName.default("test"),
  CLERK_JWT_TEMPLATES: commaSeparated(templateName).pipe(z.array(z.string()).max(50)),
  CLERK_API_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  CLERK_PROXY_URL: z
    .string()
    .refine(
      (url) => /^\/[\w./-]*[\w-]$/.test(url) || URL.canParse(url),
      "must be a path such as /__clerk or a full URL such as https://app.example.com/__clerk",
    )
    .optional(),
  CLERK_AUTHORIZED_PARTIES: commaSeparated(z.string().refine(isOrigin, ORIGINS_MESSAGE)),
  CLERK_FRONTEND_API_URL: z.url({ error: "must be a URL such as https://frontend-api.clerk.dev" }).optional(),
  TOKEN_CACHE: z
    .enum(["on", "off"], { error: "must be on (reuse template tokens) or off (call Clerk on every request)" })
    .default("on"),
  TOKEN_CACHE_MAX_ENTRIES: z.coerce
    .number({ error: MAX_ENTRIES_MESSAGE })
    .int(MAX_ENTRIES_MESSAGE)
    .min(1, MAX_ENTRIES_MESSAGE)
    .max(1_000_000, MAX_ENTRIES_MESSAGE)
    .default(10_000),
});

export class ConfigError extends Error {
  constructor(issues: string[]) {
    super(
      `Invalid configuration:\n${issues.map((issue) => `  - ${issue}`).join("\n")}\nSee README.md → "Environment variables".`,
    );
    this.name = "ConfigError";
    // The message already says everything: print it without a stack trace.
    this.stack = this.message;
  }
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
  return {
    secretKey: vars.CLERK_SECRET_KEY,
    publishableKey: vars.CLERK_PUBLISHABLE_KEY,
    // The publishable key names the instance's Frontend API host; the schema checked it decodes.
    frontendApiHost: decodePublishableKeyHost(vars.CLERK_PUBLISHABLE_KEY)!,
    apiUrl: apiUrl.origin,
    jwtKey: vars.CLERK_JWT_KEY,
    defaultTemplate: vars.CLERK_JWT_TEMPLATE,
    // The default template is always allowed, whatever the list says.
    allowedTemplates: [...new Set([vars.CLERK_JWT_TEMPLATE, ...vars.CLERK_JWT_TEMPLATES])],
    apiTimeoutMs: vars.CLERK_API_TIMEOUT_MS,
    // The origins whose session tokens (their azp) are accepted; none listed: any.
    authorizedParties: vars.CLERK_AUTHORIZED_PARTIES.length > 0 ? vars.CLERK_AUTHORIZED_PARTIES : undefined,
    tokenCache: { enabled: vars.TOKEN_CACHE === "on", maxEntries: vars.TOKEN_CACHE_MAX_ENTRIES },
    usesOfflineEmulator,
    clerkProxy: vars.CLERK_PROXY_URL
      ? {
          // Where clerk-js sends its Frontend API calls, and where this server forwards them.
          path: new URL(vars.CLERK_PROXY_URL, "http://app.invalid").pathname,
          target: vars.CLERK_FRONTEND_API_URL ?? (usesOfflineEmulator ? apiUrl.origin : CLERK_FRONTEND_API),
        }
      : undefined,
  };
}
