import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import type { RunningEmulator } from "./index";
import { frontendApiHostOf, instanceIdentity, loadOrCreateInstanceKeys, type InstanceKind } from "./tokens/keys";

/** The variables an app needs to use an emulator, as `NAME=value` pairs. */
export interface AppEnv {
  CLERK_SECRET_KEY: string;
  CLERK_PUBLISHABLE_KEY: string;
  CLERK_API_URL: string;
  CLERK_JWT_KEY: string;
  /** Tells the app it talks to this emulator (docs/decisions/025-template-editors-and-the-emulator-marker.md). */
  OFFLINE_EMULATOR: "on";
  CLERK_PROXY_URL?: string;
  CLERK_JS?: string;
  CLERK_WEBHOOK_SIGNING_SECRET?: string;
}

/** Where the app answers clerk-js's Frontend API calls and forwards them, same-origin, like Clerk's proxy. */
export const PROXY_PATH = "/__clerk";

/**
 * The env that points an app at this running emulator. A Frontend API on plain http is reached
 * through the app's same-origin proxy (CLERK_PROXY_URL), and clerk-js with it (CLERK_JS): left
 * to itself, clerk-js asks for https://<frontend api host>, which a plain http emulator cannot
 * answer. A Frontend API served over https on its own name needs neither.
 */
export function appEnvOf(
  emulator: Pick<
    RunningEmulator,
    "secretKey" | "publishableKey" | "apiUrl" | "jwtKey" | "frontendApiUrl" | "webhookSigningSecret"
  >,
  proxyPath = PROXY_PATH,
): AppEnv {
  return {
    CLERK_SECRET_KEY: emulator.secretKey,
    CLERK_PUBLISHABLE_KEY: emulator.publishableKey,
    CLERK_API_URL: emulator.apiUrl,
    CLERK_JWT_KEY: emulator.jwtKey,
    OFFLINE_EMULATOR: "on",
    ...(emulator.frontendApiUrl.startsWith("http:") && {
      CLERK_PROXY_URL: proxyPath,
      CLERK_JS: `${proxyPath}/npm/@clerk/clerk-js@5/dist/clerk.browser.js`,
    }),
    ...(emulator.webhookSigningSecret && { CLERK_WEBHOOK_SIGNING_SECRET: emulator.webhookSigningSecret }),
  };
}

/**
 * The env of an emulator that would run on host:port with this data dir, without starting
 * it. The instance key is created if the data dir has none, so a later start matches.
 */
export async function emulatorEnv(options: {
  dataDir: string;
  host: string;
  port: number;
  secretKey?: string;
  instance?: InstanceKind;
}): Promise<AppEnv> {
  const frontendApiHost = frontendApiHostOf(options.host, options.port);
  const keys = await loadOrCreateInstanceKeys(options.dataDir);
  const apiUrl = `http://${frontendApiHost}`;
  const address = { kind: options.instance ?? "production", frontendApiHost, apiUrl };
  return appEnvOf({ ...(await instanceIdentity(keys, address, options.secretKey)), frontendApiUrl: apiUrl });
}

/**
 * `.env` lines. The PEM goes on one line, quoted, its line breaks written `\n`: a `.env` reader
 * (Node's --env-file, dotenv) turns them back into line breaks, and the app reads a shell's
 * literal `\n` the same way (docs/environment.md), so the line survives copy and paste.
 */
export function formatEnvLines(env: AppEnv): string[] {
  return Object.entries(env).map(([name, value]) =>
    value.includes("\n") ? `${name}="${value.replaceAll("\n", "\\n")}"` : `${name}=${value}`,
  );
}

/** The first line of every env file the emulator writes: it only ever replaces a file that starts so. */
export const ENV_FILE_HEADER =
  "# Written by the offline Clerk emulator (npm run emulator): the app's env for it. Not Clerk.";

/**
 * Writes the env lines to `file` (e.g. `.env`), readable by its owner only: it holds the secret
 * key. A file the emulator did not write, such as one with real Clerk keys, is never replaced.
 */
export async function writeEnvFile(file: string, env: AppEnv): Promise<void> {
  if (existsSync(file) && !(await readFile(file, "utf8")).startsWith(ENV_FILE_HEADER)) {
    throw new Error(`${file} exists and was not written by the emulator: it is left as it is. Name another file.`);
  }
  await writeFile(file, [ENV_FILE_HEADER, ...formatEnvLines(env), ""].join("\n"), { mode: 0o600 });
}
