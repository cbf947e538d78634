/**
 * What `npm run dev` and `npm run start:offline` share: choosing between real
 * Clerk and the offline emulator, and starting the emulator when it is used.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { exitWith } from "../server/read-config";
import {
  DEFAULT_DATA_DIR,
  DEFAULT_SEED_FILE,
  startEmulator,
  TEST_MODE_EMAIL_CODE,
  type RunningEmulator,
} from "../emulator/src/index";
import { appEnvOf, PROXY_PATH, writeEnvFile } from "../emulator/src/print-env";

const KEY_VARIABLES = ["CLERK_SECRET_KEY", "CLERK_PUBLISHABLE_KEY"] as const;

export async function assertPortFree(port: number, variable: string) {
  await new Promise<void>((resolve) => {
    const probe = createServer();
    probe.once("error", () =>
      exitWith(
        `Port ${port} on 127.0.0.1 is already in use. Stop what runs there, or set ${variable} to another port.`,
      ),
    );
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve()));
  });
}

/** Reads .env (without overriding the environment) and tells whether Clerk keys are configured. */
export function clerkKeysConfigured(): boolean {
  if (existsSync(".env")) process.loadEnvFile(".env");
  const present = KEY_VARIABLES.filter((name) => process.env[name]);
  if (present.length === 1) {
    const missing = KEY_VARIABLES.find((name) => !process.env[name]);
    exitWith(
      `${present[0]} is set but ${missing} is not. Set both (from https://dashboard.clerk.com/last-active?path=api-keys) ` +
        "to use Clerk, or unset both to use the offline emulator.",
    );
  }
  return present.length === KEY_VARIABLES.length;
}

/** The emulator's default seed: the users the banner names and the templates the app allows. */
const seed = JSON.parse(readFileSync(DEFAULT_SEED_FILE, "utf8")) as {
  users: Array<{ email_address: string; password: string; public_metadata?: { role?: string } }>;
  jwt_templates: Array<{ name: string }>;
};

/** How to sign in offline, for the app's banner: the seeded users and the emulator's sign-up code. */
const SIGN_IN_HINT = `Sign in as ${seed.users
  .map((user) => `${user.email_address} / ${user.password}`)
  .join(" or ")}, or sign up with any email and the code ${TEST_MODE_EMAIL_CODE}.`;

/** Who may edit templates offline: the seed's admins (alice), by the address the banner names. */
const SEEDED_EDITORS = seed.users
  .filter((user) => user.public_metadata?.role === "admin")
  .map((user) => user.email_address)
  .join(",");

/** The JWT templates the emulator's seed defines. */
export const SEEDED_TEMPLATES = seed.jwt_templates.map((template) => template.name);

/**
 * The secret key the launchers start the emulator with. Its production instance would otherwise
 * have an sk_live_ key, and an sk_live_ key never edits templates, however configured
 * (docs/decisions/025-template-editors-and-the-emulator-marker.md): an sk_test_ one lets the studio
 * work offline with no exception to that rule. Clerk's SDKs take the instance's kind from the
 * publishable key (pk_live_), so the rest behaves as on a production instance.
 */
export function offlineSecretKey(): string {
  return `sk_test_${randomBytes(24).toString("base64url")}`;
}

/** The env lines of the emulator a launcher started, for a test folder of one's own (docs/testing.md). */
export const launchedEnvFile = (dataDir: string) => path.join(dataDir, "app.env");

/** The emulator's data dir (EMULATOR_DATA_DIR; tests give their own, so as not to touch a developer's). */
function launcherDataDir(): string {
  const dataDir = path.resolve(process.env.EMULATOR_DATA_DIR || DEFAULT_DATA_DIR);
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    exitWith(
      `EMULATOR_DATA_DIR: the emulator's data dir ${dataDir} cannot be made (${(error as Error).message}). ` +
        "Set EMULATOR_DATA_DIR to a writable folder, or unset it for emulator/.data.",
    );
  }
  return dataDir;
}

/** The launchers' secret key, kept in the data dir so that a test folder's copy stays valid; made on the first start. */
function launcherSecretKey(dataDir: string): string {
  const file = path.join(dataDir, "launcher-secret-key");
  const kept = existsSync(file) ? readFileSync(file, "utf8").trim() : "";
  if (/^sk_test_[\w-]{16,}$/.test(kept)) return kept;
  try {
    // Launchers starting together agree on the first one written.
    writeFileSync(file, offlineSecretKey(), { mode: 0o600, flag: kept ? "w" : "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return readFileSync(file, "utf8").trim();
}

/** EMULATOR_PORT, checked: a port number, or the launcher stops with one message naming the variable. */
function emulatorPort(): number {
  const text = process.env.EMULATOR_PORT ?? "4010";
  const port = Number(text);
  if (/^\d+$/.test(text.trim()) && port >= 1 && port <= 65_535) return port;
  return exitWith(`EMULATOR_PORT must be a port number from 1 to 65535, such as 4010, not "${text}".`);
}

/**
 * The environment that points the app at a running emulator, as real keys point it at Clerk:
 * the emulator's own env lines (its Frontend API and clerk-js through the app's proxy, and
 * OFFLINE_EMULATOR=on: the app never guesses it from the URL), and what the launcher adds
 * for a developer.
 */
export function offlineClerkEnv(emulator: RunningEmulator): Record<string, string> {
  return {
    ...appEnvOf(emulator, process.env.CLERK_PROXY_URL ?? PROXY_PATH),
    // Every template the emulator has, so one made in the studio gets a token without a restart.
    CLERK_JWT_TEMPLATES: process.env.CLERK_JWT_TEMPLATES ?? "*",
    TEMPLATE_EDITORS: process.env.TEMPLATE_EDITORS || SEEDED_EDITORS,
    OFFLINE_SIGN_IN_HINT: SIGN_IN_HINT,
  };
}

/** Starts the emulator, points this process's environment at it and says so. */
export async function startOfflineClerk(appUrl: string): Promise<RunningEmulator> {
  const port = emulatorPort();
  await assertPortFree(port, "EMULATOR_PORT");
  const dataDir = launcherDataDir();
  // Clerk's session webhooks, to the app's endpoint: sign-outs and revocations reach it at once.
  const emulator = await startEmulator({
    port,
    dataDir,
    secretKey: launcherSecretKey(dataDir),
    webhooks: { url: `${appUrl}/api/webhooks/clerk` },
    // Beside the app's lines ([server], [worker N]); the app logs the Frontend API requests it proxies.
    log: (line) => console.log(`[emulator] ${line}`),
    logProxiedRequests: false,
  });
  const appPort = new URL(appUrl).port;
  await writeEnvFile(launchedEnvFile(dataDir), appEnvOf(emulator, process.env.CLERK_PROXY_URL ?? PROXY_PATH));
  Object.assign(process.env, offlineClerkEnv(emulator), {
    // Session tokens are accepted from the app's own pages only, by either name of this machine.
    CLERK_AUTHORIZED_PARTIES:
      process.env.CLERK_AUTHORIZED_PARTIES ?? `http://localhost:${appPort},http://127.0.0.1:${appPort}`,
  });
  console.log(
    [
      "",
      "  No Clerk keys configured: using the OFFLINE CLERK EMULATOR (a local stand-in, not Clerk).",
      `  Emulator: ${emulator.url}`,
      `  App:      ${appUrl}`,
      `  ${SIGN_IN_HINT}`,
      `  Its env lines, for tests of your own (@clerk/testing): ${path.relative(process.cwd(), launchedEnvFile(dataDir))}`,
      "",
    ].join("\n"),
  );
  return emulator;
}

/** Runs the app's server process in the foreground; Ctrl-C stops it, then what runs beside it (the emulator), if any. */
export function runServer(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  emulator?: Pick<RunningEmulator, "close">,
) {
  const child = spawn(command, args, { stdio: "inherit", env });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
  child.on("exit", async (code) => {
    await emulator?.close();
    process.exit(code ?? 0);
  });
}
