import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/**
 * `npm <args>` in the repository with exactly this environment plus PATH and
 * HOME, in its own process group, so that stopping it also stops what npm starts.
 */
export function spawnNpm(args: string[], env: Record<string, string>) {
  return spawnCaptured("npm", [...args, "--silent"], env, { detached: true });
}

/**
 * `command` in the repository (or `cwd`) with exactly this environment plus PATH and HOME,
 * collecting everything it prints; `detached` puts it in a process group of its own.
 */
export function spawnCaptured(
  command: string,
  args: string[],
  env: Record<string, string>,
  { detached, cwd = REPO_ROOT }: { detached: boolean; cwd?: string },
) {
  // Typed loosely: Remix's globals declare NODE_ENV required, and `npm start` is meant to run without it.
  const childEnv: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env };
  const child = spawn(command, args, {
    cwd,
    env: childEnv as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
    detached,
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const exited = once(child, "exit") as Promise<[number | null]>;
  return {
    child,
    exited,
    output: () => output,
    isRunning: () => child.exitCode === null && child.signalCode === null,
  };
}

/**
 * `npm start` (the production build) with exactly this environment, on 127.0.0.1.
 * No NODE_ENV unless the caller sets one: the README starts it without, and so
 * Express's development error pages would show up here if any were reachable.
 */
function spawnNpmStart(env: Record<string, string>, port: number) {
  return spawnNpm(["start"], { ...env, PORT: String(port), HOST: "127.0.0.1" });
}

/** Polls `url` until it answers 2xx, as long as the process serving it runs; that answer. */
export async function waitUntilServed(
  url: string,
  server: { isRunning(): boolean; output(): string },
  timeoutMs: number,
): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!server.isRunning()) throw new Error(`It exited before serving ${url}:\n${server.output()}`);
    const response = await fetch(url).catch(() => undefined);
    if (response?.ok) return response;
    await sleep(100);
  }
  throw new Error(`${url} was not served within ${timeoutMs / 1000} s:\n${server.output()}`);
}

const ALL_WORKERS_SERVING = /\[cluster\] All \d+ workers are serving\./;

async function waitUntilOutput(server: { isRunning(): boolean; output(): string }, line: RegExp, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!line.test(server.output())) {
    if (!server.isRunning() || Date.now() > deadline) throw new Error(`It never logged ${line}:\n${server.output()}`);
    await sleep(50);
  }
}

export interface AppServer {
  url: string;
  /** The `npm start` process; the server itself is one of its descendants. */
  pid: number;
  /** Everything the server printed so far, stdout and stderr. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Free ports tried before giving up: with two test files at a time, another one may take the port
 * freePort found before this server binds it (the server then says the port "is already in use").
 */
const FREE_PORT_ATTEMPTS = 3;

/** Starts the production server on this port (default: a free one) and waits until it answers. */
export async function startAppServer(env: Record<string, string>, port?: number): Promise<AppServer> {
  // With WEB_CONCURRENCY the first worker serves while the primary starts the others.
  const fleet = (env.WEB_CONCURRENCY ?? "1") !== "1";
  const startOn = (on: number) => served(spawnNpmStart(env, on), on, fleet ? ALL_WORKERS_SERVING : undefined);
  if (port !== undefined) return startOn(port);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startOn(await freePort());
    } catch (error) {
      const taken = error instanceof Error && error.message.includes("is already in use");
      if (!taken || attempt === FREE_PORT_ATTEMPTS) throw error;
    }
  }
}

// @remix-run/serve's command, run with node directly so that its pid is the server's own.
const REMIX_SERVE = path.join(REPO_ROOT, "node_modules/@remix-run/serve/dist/cli.js");

/**
 * `remix-serve build/index.js`: Remix's own server (Express, compression,
 * static files, morgan's log, @remix-run/express) serving the same build that
 * `npm start` serves, with the same environment, on a free port of 127.0.0.1.
 * The bench's baseline for what the app's server around Remix costs.
 */
export async function startRemixServe(env: Record<string, string>): Promise<AppServer> {
  const port = await freePort();
  const serverEnv = { ...env, PORT: String(port), HOST: "127.0.0.1", NODE_ENV: "production" };
  return served(spawnCaptured("node", [REMIX_SERVE, "build/index.js"], serverEnv, { detached: true }), port);
}

/** Waits until a started server answers `/healthz` (and prints `readyLine`, when given); stops it if it never does. */
async function served(server: ReturnType<typeof spawnCaptured>, port: number, readyLine?: RegExp): Promise<AppServer> {
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (!server.isRunning()) return;
    process.kill(-server.child.pid!, "SIGTERM");
    await server.exited;
  };
  try {
    await waitUntilServed(`${url}/healthz`, server, 30_000);
    if (readyLine) await waitUntilOutput(server, readyLine, 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, pid: server.child.pid!, output: server.output, stop };
}

/** Waits up to 20 s until a started server has logged `line` `times` times. */
export async function untilLogged(server: AppServer, line: string, times: number) {
  const deadline = Date.now() + 20_000;
  while (server.output().split(line).length - 1 < times) {
    if (Date.now() > deadline) throw new Error(`"${line}" not logged ${times} times:\n${server.output()}`);
    await sleep(50);
  }
}

/** Runs `npm start` (on this port, default: a free one) and resolves with its exit code and output once it exits by itself. */
export async function runAppServerToExit(
  env: Record<string, string>,
  port?: number,
): Promise<{ code: number | null; output: string }> {
  const { exited, output } = spawnNpmStart(env, port ?? (await freePort()));
  const [code] = await exited;
  return { code, output: output() };
}
