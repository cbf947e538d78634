import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** `npm start` (the production build) with exactly this environment plus PATH, on 127.0.0.1. */
function spawnNpmStart(env: Record<string, string>, port: number) {
  const child = spawn("npm", ["start", "--silent"], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      NODE_ENV: "production",
      ...env,
      PORT: String(port),
      HOST: "127.0.0.1",
    },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, so stopping it also stops the node process npm starts.
    detached: true,
  });
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const exited = once(child, "exit") as Promise<[number | null]>;
  return { child, exited, output: () => output };
}

function isRunning(child: ChildProcess) {
  return child.exitCode === null && child.signalCode === null;
}

export interface AppServer {
  url: string;
  /** Everything the server printed so far, stdout and stderr. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts the production server on a free port and waits until it answers. */
export async function startAppServer(env: Record<string, string>): Promise<AppServer> {
  const port = await freePort();
  const { child, exited, output } = spawnNpmStart(env, port);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (!isRunning(child)) return;
    process.kill(-child.pid!, "SIGTERM");
    await exited;
  };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (!isRunning(child)) throw new Error(`The app server exited early:\n${output()}`);
    try {
      await fetch(`${url}/healthz`);
      return { url, output, stop };
    } catch {
      await sleep(100);
    }
  }
  await stop();
  throw new Error(`The app server did not start within 30 s:\n${output()}`);
}

/** Runs `npm start` and resolves with its exit code and output once it exits by itself. */
export async function runAppServerToExit(
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const { exited, output } = spawnNpmStart(env, await freePort());
  const [code] = await exited;
  return { code, output: output() };
}
