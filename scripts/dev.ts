/**
 * `npm run dev`: the Remix dev server, against real Clerk when both keys are
 * configured (environment or .env), otherwise against the offline Clerk
 * emulator, started here on 127.0.0.1.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { startEmulator, type RunningEmulator } from "../emulator/src/index";
import { ConfigError, loadConfig } from "../app/env.server";

const KEY_VARIABLES = ["CLERK_SECRET_KEY", "CLERK_PUBLISHABLE_KEY"] as const;
const APP_PORT = Number(process.env.PORT ?? 3000);
const EMULATOR_PORT = Number(process.env.EMULATOR_PORT ?? 4010);

function fail(message: string): never {
  console.error(`\n${message}\n`);
  process.exit(1);
}

async function assertPortFree(port: number, variable: string) {
  await new Promise<void>((resolve) => {
    const probe = createServer();
    probe.once("error", () =>
      fail(`Port ${port} on 127.0.0.1 is already in use. Stop what runs there, or set ${variable} to another port.`),
    );
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve()));
  });
}

/** The seeded users' sign-in details, read from the emulator's seed file. */
function demoUsers(): string {
  const seed = JSON.parse(readFileSync("emulator/src/seed.json", "utf8")) as {
    users: Array<{ email_address: string; password: string }>;
  };
  return seed.users.map((user) => `${user.email_address} / ${user.password}`).join(", ");
}

/** The environment that points the app at the emulator, as real keys would point it at Clerk. */
function offlineEnv(emulator: RunningEmulator): Record<string, string> {
  return {
    CLERK_SECRET_KEY: emulator.secretKey,
    CLERK_PUBLISHABLE_KEY: emulator.publishableKey,
    CLERK_API_URL: emulator.apiUrl,
    CLERK_JWT_KEY: emulator.jwtKey,
    CLERK_JWT_TEMPLATES: process.env.CLERK_JWT_TEMPLATES ?? "test,profile,partner-hs256",
  };
}

async function main() {
  if (existsSync(".env")) process.loadEnvFile(".env");
  const present = KEY_VARIABLES.filter((name) => process.env[name]);
  if (present.length === 1) {
    const missing = KEY_VARIABLES.find((name) => !process.env[name]);
    fail(
      `${present[0]} is set but ${missing} is not. Set both (from https://dashboard.clerk.com/last-active?path=api-keys) ` +
        "to use Clerk, or unset both to use the offline emulator.",
    );
  }

  await assertPortFree(APP_PORT, "PORT");
  let emulator: RunningEmulator | undefined;
  if (present.length === 0) {
    await assertPortFree(EMULATOR_PORT, "EMULATOR_PORT");
    emulator = await startEmulator({ port: EMULATOR_PORT });
    Object.assign(process.env, offlineEnv(emulator));
    console.log(
      [
        "",
        "  No Clerk keys configured: using the OFFLINE CLERK EMULATOR (a local stand-in, not Clerk).",
        `  Emulator: ${emulator.url}`,
        `  App:      http://localhost:${APP_PORT}`,
        `  Demo users (email / password): ${demoUsers()}`,
        "",
      ].join("\n"),
    );
  }

  try {
    loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }

  const remix = spawn("npx", ["remix", "dev"], { stdio: "inherit", env: { ...process.env, PORT: String(APP_PORT) } });
  const stop = () => remix.kill("SIGINT");
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  remix.on("exit", async (code) => {
    await emulator?.close();
    process.exit(code ?? 0);
  });
}

await main();
