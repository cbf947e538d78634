import { createPublicKey } from "node:crypto";
import { z } from "zod";
import { commaSeparated } from "~/utils/config/schema.server";

/** The variables that say which Clerk instance this server uses and how it reaches it. */

const DASHBOARD_KEYS_URL = "https://dashboard.clerk.com/last-active?path=api-keys";
/** Where Clerk's documented proxy forwards Frontend API calls. */
const CLERK_FRONTEND_API = "https://frontend-api.clerk.dev";
const OFFLINE_HINT =
  "Or, with both CLERK_SECRET_KEY and CLERK_PUBLISHABLE_KEY unset, run the offline Clerk emulator: " +
  "`npm run dev`, or `npm run start:offline` for the production build.";

const ORIGINS_MESSAGE =
  "must be a comma-separated list of origins (scheme://host[:port], no path), such as https://app.example.com";
const isOrigin = (value: string) => URL.canParse(value) && new URL(value).origin === value;

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

export const clerkSchema = {
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
  OFFLINE_EMULATOR: z
    .enum(["on", "off"], {
      error:
        "must be on only where the offline emulator runs (npm run dev, start:offline and fleet set it when they start one), or off",
    })
    .default("off"),
  OFFLINE_SIGN_IN_HINT: z.string().trim().max(500, "must be at most 500 characters").optional(),
};

type ClerkVars = z.output<z.ZodObject<typeof clerkSchema>>;

/** Which instance, how to reach its APIs, and whose session tokens count. */
export function clerkConfigOf(vars: ClerkVars) {
  const apiUrl = new URL(vars.CLERK_API_URL);
  // Said by the launcher that started the emulator, never guessed from the URL: a Backend API on
  // loopback may as well be an egress proxy or a sidecar in front of real Clerk (decision 025).
  const usesOfflineEmulator = vars.OFFLINE_EMULATOR === "on";
  return {
    secretKey: vars.CLERK_SECRET_KEY,
    publishableKey: vars.CLERK_PUBLISHABLE_KEY,
    // The publishable key names the instance's Frontend API host; the schema checked it decodes.
    frontendApiHost: decodePublishableKeyHost(vars.CLERK_PUBLISHABLE_KEY)!,
    apiUrl: apiUrl.origin,
    jwtKey: vars.CLERK_JWT_KEY,
    apiTimeoutMs: vars.CLERK_API_TIMEOUT_MS,
    // The origins whose session tokens (their azp) are accepted; none listed: any.
    authorizedParties: vars.CLERK_AUTHORIZED_PARTIES.length > 0 ? vars.CLERK_AUTHORIZED_PARTIES : undefined,
    usesOfflineEmulator,
    /** How to sign in offline (the launcher sets it from the emulator's seed); shown in the banner. */
    offlineSignInHint: usesOfflineEmulator ? vars.OFFLINE_SIGN_IN_HINT : undefined,
    clerkProxy: vars.CLERK_PROXY_URL
      ? {
          // Where clerk-js sends its Frontend API calls, and where this server forwards them.
          path: proxyPathOf(vars.CLERK_PROXY_URL),
          // Clerk-Proxy-Url as configured when it is a full URL; else it is made from each request's origin.
          url: URL.canParse(vars.CLERK_PROXY_URL) ? vars.CLERK_PROXY_URL : undefined,
          timeoutMs: vars.CLERK_PROXY_TIMEOUT_MS,
          // The emulator serves the Frontend API beside the Backend API.
          target: vars.CLERK_FRONTEND_API_URL ?? (usesOfflineEmulator ? apiUrl.origin : CLERK_FRONTEND_API),
        }
      : undefined,
  };
}
