import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { once } from "node:events";
import { createConnection } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { exitWith } from "../server/read-config";
import { freePort } from "./app-server";
import { makeTempDir } from "./temp-dir";

export const REDIS_SERVER = process.env.REDIS_SERVER ?? "/usr/bin/redis-server";

/** For the scripts that start one: stops with what to install when redis-server is not there. */
export function assertRedisServerInstalled() {
  if (!existsSync(REDIS_SERVER))
    exitWith(
      `${REDIS_SERVER} is missing: install Debian's redis-server (apt-get install redis-server) or set REDIS_SERVER.`,
    );
}

export interface LocalRedis {
  url: string;
  port: number;
  /** The redis-server process, e.g. to pause it with SIGSTOP. */
  pid(): number;
  /** Stops redis-server (its data goes with it: nothing is persisted). */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  remove(): Promise<void>;
}

async function answersPing(port: number): Promise<boolean> {
  const socket = createConnection({ port, host: "127.0.0.1" });
  try {
    await once(socket, "connect");
    socket.write("PING\r\n");
    const [data] = (await once(socket, "data")) as [Buffer];
    return data.toString().startsWith("+PONG");
  } catch {
    return false;
  } finally {
    socket.destroy();
  }
}

/**
 * A redis-server of its own on a free port of 127.0.0.1: no persistence, its
 * files in a temporary folder, nothing shared with any other test or user.
 */
export async function startLocalRedis(): Promise<LocalRedis> {
  const port = await freePort();
  const folder = await makeTempDir("rct-redis-");
  let child: ChildProcess | undefined;
  const start = async () => {
    const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
    child = spawn(REDIS_SERVER, [...args, "--dir", folder.dir], { stdio: "ignore" });
    const deadline = Date.now() + 10_000;
    while (!(await answersPing(port))) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server did not start on ${port}`);
      await sleep(50);
    }
  };
  const stop = async () => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, "exit");
    child.kill("SIGKILL");
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: () => child!.pid!,
    stop,
    start,
    remove: async () => {
      await stop();
      await folder.remove();
    },
  };
}
