import type { RunningEmulator } from "./index";
import { frontendApiHostOf, instanceIdentity, loadOrCreateInstanceKeys, type InstanceKind } from "./tokens/keys";

/** The variables an app needs to use an emulator, as `NAME=value` pairs. */
export interface AppEnv {
  CLERK_SECRET_KEY: string;
  CLERK_PUBLISHABLE_KEY: string;
  CLERK_API_URL: string;
  CLERK_JWT_KEY: string;
  CLERK_WEBHOOK_SIGNING_SECRET?: string;
}

/** The env that points an app at this running emulator. */
export function appEnvOf(
  emulator: Pick<RunningEmulator, "secretKey" | "publishableKey" | "apiUrl" | "jwtKey" | "webhookSigningSecret">,
): AppEnv {
  return {
    CLERK_SECRET_KEY: emulator.secretKey,
    CLERK_PUBLISHABLE_KEY: emulator.publishableKey,
    CLERK_API_URL: emulator.apiUrl,
    CLERK_JWT_KEY: emulator.jwtKey,
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
  const address = { kind: options.instance ?? "production", frontendApiHost, apiUrl: `http://${frontendApiHost}` };
  return appEnvOf(await instanceIdentity(keys, address, options.secretKey));
}

/**
 * `.env` lines. The PEM goes on one line, quoted: Clerk's SDKs strip the line breaks anyway,
 * and one line survives copy and paste into a `.env` file or a shell.
 */
export function formatEnvLines(env: AppEnv): string[] {
  return Object.entries(env).map(([name, value]) =>
    value.includes("\n") ? `${name}="${value.replaceAll("\n", "")}"` : `${name}=${value}`,
  );
}
