import { createServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { getRequestListener, type Http2Bindings, type HttpBindings } from "@hono/node-server";
import type { JWK } from "jose";
import { z } from "zod";
import { readSeedFile, storeFromSeed } from "./seed";
import type { JsonObject } from "./store/json";
import { assertValidClaims } from "./tokens/jwt-template";
import { jsonObject } from "./validation";
import { persistState, stateFileFor } from "./store/persistence";
import { FaultInjector, type FaultsInput } from "./faults";
import { cookieSuffix, type CookieScope } from "./routes/frontend/cookies";
import { createApp } from "./server";
import { NO_WEBHOOKS, newSigningSecret, webhookSender } from "./webhooks";
import { createLocalCertificate } from "./tls";
import { devBrowsers } from "./tokens/dev-browser";
import {
  frontendApiHostOf,
  importSigningKey,
  instanceIdentity,
  loadOrCreateInstanceKeys,
  publicJwkOf,
  type InstanceKind,
} from "./tokens/keys";

export interface EmulatorOptions {
  /** Default 4010; 0 = any free port. */
  port?: number;
  /** Default "127.0.0.1". It must contain a dot, or Clerk's SDKs reject the publishable key. */
  host?: string;
  /** Default "production" (`pk_live_`); "development" (`pk_test_`) identifies browsers by dev browser. */
  instance?: InstanceKind;
  /**
   * Serve the Frontend API over https on this name (mapped to 127.0.0.1 by whoever calls it),
   * with a certificate made at start: `clerk.<site>` for production, as Clerk serves it. Default:
   * the Frontend API is served with the Backend API on http://host:port.
   */
  frontendApiHostname?: string;
  /** The https port of frontendApiHostname. Default 0: any free port. */
  frontendApiPort?: number;
  /** Default: stored in dataDir/instance.json, generated on first start. */
  secretKey?: string;
  /** Default <repo>/emulator/.data */
  dataDir?: string;
  /** Default emulator/src/seed.json */
  seedFile?: string;
  /**
   * Default true: users, sessions and JWT templates are kept in dataDir (one file per seed) and
   * restored on the next start; false starts from the seed every time and keeps nothing.
   */
  persist?: boolean;
  /** Default 60. */
  sessionTokenLifetimeSeconds?: number;
  /**
   * Claims every session token carries, with the shortcodes JWT templates take: Clerk's session token
   * customization (Dashboard → Sessions), e.g. `{"metadata": "{{user.public_metadata}}"}`. Default none.
   */
  sessionTokenClaims?: JsonObject;
  /** Simulated Clerk round trip added to every Backend API call except /v1/jwks. Default 0. */
  latencyMs?: number;
  /** Faults injected into Backend API calls (errors, rate limits, resets, hangs…). Default none. */
  faults?: FaultsInput;
  /** One line per request; default console.log. */
  log?: (line: string) => void;
  /**
   * Also log the requests an app's Frontend API proxy forwards (they carry Clerk-Proxy-Url),
   * which that app logs itself. Default true.
   */
  logProxiedRequests?: boolean;
  /** Where to POST signed session.ended / .removed / .revoked events; signingSecret default: a new whsec_ one. */
  webhooks?: { url: string; signingSecret?: string };
}

export interface RunningEmulator {
  /** e.g. "http://127.0.0.1:4010" (the actual port when 0 was asked). */
  url: string;
  /** Same as url: the value for CLERK_API_URL. */
  apiUrl: string;
  /** e.g. "127.0.0.1:4010", or "clerk.example.test:8443" with frontendApiHostname. */
  frontendApiHost: string;
  /** e.g. "http://127.0.0.1:4010", or "https://clerk.example.test:8443". */
  frontendApiUrl: string;
  instanceKind: InstanceKind;
  /** With frontendApiHostname: its certificate's key hash, for Chromium's --ignore-certificate-errors-spki-list. */
  certificateSpkiSha256?: string;
  /** With frontendApiHostname: its certificate (PEM), for Node clients to trust. */
  certificatePem?: string;
  secretKey: string;
  /** pk_live_… or pk_test_… */
  publishableKey: string;
  /** SPKI PEM of the instance key (CLERK_JWT_KEY). */
  jwtKey: string;
  /** For tests that forge tokens (expired etc.). */
  privateJwk: JWK;
  /** The secret webhooks are signed with (CLERK_WEBHOOK_SIGNING_SECRET), when an endpoint is configured. */
  webhookSigningSecret?: string;
  /** How many requests it is answering right now: a test can wait for calls to have reached "Clerk". */
  inFlight(): number;
  /** Replaces the injected faults while running (also: PUT /__emulator/faults with the secret key). */
  setFaults(faults: FaultsInput): void;
  /** Closes the server and all open sockets promptly. */
  close(): Promise<void>;
}

export { TEST_MODE_EMAIL_CODE } from "./routes/frontend/sign-ups";

export const DEFAULT_PORT = 4010;
export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_DATA_DIR = fileURLToPath(new URL("../.data", import.meta.url));
export const DEFAULT_SEED_FILE = fileURLToPath(new URL("./seed.json", import.meta.url));

const optionsSchema = z.object({
  port: z.int().min(0).max(65535).default(DEFAULT_PORT),
  host: z.string().min(1).default(DEFAULT_HOST),
  instance: z.enum(["production", "development"]).default("production"),
  frontendApiHostname: z
    .string()
    .regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, "must be a host name with a dot, such as clerk.example.test")
    .optional(),
  frontendApiPort: z.int().min(0).max(65535).default(0),
  secretKey: z.string().startsWith("sk_").optional(),
  dataDir: z.string().default(DEFAULT_DATA_DIR),
  seedFile: z.string().default(DEFAULT_SEED_FILE),
  persist: z.boolean().default(true),
  sessionTokenLifetimeSeconds: z.int().min(1).default(60),
  sessionTokenClaims: jsonObject.refine(hasValidShortcodes, "must be claims whose shortcodes are valid").default({}),
  latencyMs: z.number().min(0).default(0),
  faults: z.custom<FaultsInput>((value) => typeof value === "object" && value !== null).default({}),
  log: z.custom<(line: string) => void>((value) => typeof value === "function").default(() => console.log),
  logProxiedRequests: z.boolean().default(true),
  webhooks: z
    .object({ url: z.url(), signingSecret: z.string().startsWith("whsec_").default(newSigningSecret) })
    .optional(),
});

function hasValidShortcodes(claims: JsonObject): boolean {
  try {
    assertValidClaims(claims);
    return true;
  } catch {
    return false;
  }
}

/** Starts an offline Clerk emulator with its own freshly seeded store. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) throw new Error(`Invalid emulator options:\n${z.prettifyError(parsed.error)}`);
  const settings = parsed.data;
  frontendApiHostOf(settings.host, settings.port); // Fail before listening when the host is unusable.

  const keys = await loadOrCreateInstanceKeys(settings.dataDir);
  const seed = await readSeedFile(settings.seedFile);
  const store = await storeFromSeed(seed);
  const state = settings.persist
    ? await persistState(store, stateFileFor(settings.dataDir, seed), settings.log)
    : undefined;

  // The app needs the real port (its issuer), which is only known once listening.
  let handleRequest: (request: Request, env: HttpBindings | Http2Bindings) => Response | Promise<Response> = () =>
    new Response(null, { status: 503 });
  // The Node request and response travel along (env) for faults that act on the socket itself.
  const listener = getRequestListener((request, env) => handleRequest(request, env));
  const servers = [createServer(listener)];
  const port = await listen(servers[0]!, settings.port, settings.host);
  const apiUrl = `http://${frontendApiHostOf(settings.host, port)}`;

  let frontendApiHost = frontendApiHostOf(settings.host, port);
  let certificate: { pem: string; spkiSha256: string } | undefined;
  let cookieScope: CookieScope = {};
  if (settings.frontendApiHostname) {
    const hostname = settings.frontendApiHostname;
    const { cert, key, spkiSha256 } = await createLocalCertificate([hostname]);
    certificate = { pem: cert, spkiSha256 };
    servers.push(createHttpsServer({ cert, key }, listener));
    const httpsPort = await listen(servers[1]!, settings.frontendApiPort, settings.host);
    frontendApiHost = httpsPort === 443 ? hostname : `${hostname}:${httpsPort}`;
    // Production's cookies go to the whole site, so that the app on app.<site> reads them.
    if (settings.instance === "production") cookieScope = { domain: hostname.replace(/^clerk\./, ""), secure: true };
  }
  const identity = await instanceIdentity(
    keys,
    { kind: settings.instance, frontendApiHost, apiUrl },
    settings.secretKey,
  );
  const issuer = {
    issuer: `https://${frontendApiHost}`,
    kid: keys.privateJwk.kid,
    signingKey: await importSigningKey(keys.privateJwk),
  };
  const publicJwk = publicJwkOf(keys.privateJwk);
  const context = {
    store,
    issuer,
    publicJwk,
    sessionTokenLifetimeSeconds: settings.sessionTokenLifetimeSeconds,
    sessionTokenClaims: settings.sessionTokenClaims,
    cookieSuffix: cookieSuffix(identity.publishableKey),
    webhooks: settings.webhooks ? webhookSender(settings.webhooks, settings.log) : NO_WEBHOOKS,
    instanceKind: settings.instance,
    cookieScope,
    devBrowsers: await devBrowsers(issuer, publicJwk),
  };
  const faults = new FaultInjector(settings.faults);
  const requests = { inFlight: 0 };
  handleRequest = createApp(context, {
    secretKey: identity.secretKey,
    latencyMs: settings.latencyMs,
    faults,
    log: settings.log,
    logProxiedRequests: settings.logProxiedRequests,
    requests,
    afterRequest: state?.schedule,
  }).fetch;

  let closing: Promise<void> | undefined;
  return {
    ...identity,
    url: identity.apiUrl,
    frontendApiHost,
    frontendApiUrl: settings.frontendApiHostname ? `https://${frontendApiHost}` : apiUrl,
    instanceKind: settings.instance,
    certificateSpkiSha256: certificate?.spkiSha256,
    certificatePem: certificate?.pem,
    privateJwk: keys.privateJwk,
    webhookSigningSecret: settings.webhooks?.signingSecret,
    inFlight: () => requests.inFlight,
    setFaults: (input) => void faults.set(input),
    close: () => (closing ??= Promise.all(servers.map(closeServer)).then(() => state?.flush())),
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") {
        reject(
          Object.assign(new Error(`Port ${port} on ${host} is already in use.`), { code: error.code, cause: error }),
        );
      } else {
        reject(error);
      }
    });
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // Keep-alive sockets would otherwise hold close() open for seconds.
    server.closeAllConnections();
  });
}
