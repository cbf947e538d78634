/**
 * `npm run dev`: against real Clerk when both keys are configured (environment
 * or .env), otherwise against the offline Clerk emulator, started here. A
 * change under app/ rebuilds the app and reloads open pages, with the server
 * still serving; a change under server/ restarts the server. Everything listens
 * on 127.0.0.1 only: the app's PORT (live reload included) and EMULATOR_PORT
 * (docs/decisions/012-dev-loop-without-remix-dev.md).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { watch } from "node:fs";
import { REBUILT_MESSAGE, type BuildFailedMessage } from "../server/dev-reload";
import { watchRemixApp } from "./remix-rebuilds";
import { readConfig } from "../server/read-config";
import { assertPortFree, clerkKeysConfigured, startOfflineClerk } from "./offline-clerk";
import { readOptions } from "./command-line";

readOptions({
  name: "npm run dev",
  summary:
    "The app in development on 127.0.0.1: against Clerk when both keys are set (environment or .env), else against\n" +
    "the offline Clerk emulator, started here. A change under app/ rebuilds and reloads open pages; a change under\n" +
    "server/ restarts the server.",
  environment: {
    PORT: "the app's port (default 3000)",
    EMULATOR_PORT: "the offline emulator's port (default 4010)",
    EMULATOR_DATA_DIR: "the offline emulator's data dir (default emulator/.data)",
    "CLERK_SECRET_KEY, CLERK_PUBLISHABLE_KEY": "both set: use that Clerk instance (docs/real-clerk.md)",
  },
});

const port = Number(process.env.PORT ?? 3000);
await assertPortFree(port, "PORT");
const emulator = clerkKeysConfigured() ? undefined : await startOfflineClerk(`http://localhost:${port}`);
// Stops here with the configuration's own message when a variable is malformed.
readConfig();
// remix.config.js reads NODE_ENV to choose the development build's paths, in this process too.
process.env.NODE_ENV = "development";
const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port) };

/** Quiet after a burst of saves before restarting: editors write a file in several steps. */
const SETTLE_MS = 100;

async function stop(code: number): Promise<never> {
  await emulator?.close();
  process.exit(code);
}

let server: ChildProcess | undefined;
let restarting = false;

/** The server, with an IPC channel for "rebuilt". If it stops by itself (a taken port, bad config), so does dev. */
function startServer() {
  const child = spawn(process.execPath, ["--import", "tsx", "server/index.ts"], {
    env,
    stdio: ["inherit", "inherit", "inherit", "ipc"],
  });
  server = child;
  child.once("exit", (code, signal) => {
    if (restarting) return;
    void stop(code ?? (signal ? 1 : 0));
  });
}

function restartServer() {
  if (!server) return startServer();
  // A change while the old server stops needs nothing more: the new one starts from the files as they are then.
  if (restarting) return;
  restarting = true;
  server.once("exit", () => {
    restarting = false;
    console.log("[dev] server/ changed: restarting the server");
    startServer();
  });
  server.kill("SIGTERM");
}

/** Calls `onChange` once a burst of changes under `folder` has settled. */
function onSettledChange(folder: string, onChange: () => void) {
  let timer: NodeJS.Timeout | undefined;
  watch(folder, { recursive: true }, () => {
    clearTimeout(timer);
    timer = setTimeout(onChange, SETTLE_MS);
  });
}

let firstBuild = true;
await watchRemixApp((outcome) => {
  if (firstBuild) {
    firstBuild = false;
    if (!outcome.ok) return void stop(1);
    return startServer();
  }
  if (!outcome.ok) {
    console.error("[dev] the build failed (above); open pages show why until it builds again");
    return server?.send({ buildFailed: outcome.errors } satisfies BuildFailedMessage);
  }
  console.log(`[dev] app rebuilt in ${outcome.durationMs} ms: reloading open pages`);
  server?.send(REBUILT_MESSAGE);
});
onSettledChange("server", restartServer);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (!server) return void stop(0);
    restarting = true;
    server?.kill(signal);
    server?.once("exit", () => void stop(0));
  });
}
