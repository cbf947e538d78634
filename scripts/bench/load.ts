import { spawnSync } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import autocannon from "autocannon";
import type { templateTokenCallCounter } from "../../support/clerk-calls";

export type ClerkCallCounter = ReturnType<typeof templateTokenCallCounter>;

const CLOCK_TICKS_PER_SECOND = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout) || 100;

/**
 * CPU time (user + system, all threads) used so far by a process and its
 * descendants, from Linux's /proc; undefined elsewhere. `npm start` is the
 * root of the app server's tree, and the server itself does all the work.
 */
async function processTreeCpuMs(pid: number): Promise<number | undefined> {
  let ms: number;
  let threads: string[];
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    ms = ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND) * 1000;
    threads = await readdir(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  for (const thread of threads) {
    // A thread that ended meanwhile has no children left to count.
    const children = await readFile(`/proc/${pid}/task/${thread}/children`, "utf8").catch(() => "");
    for (const child of children.split(" ").filter(Boolean)) {
      const childMs = await processTreeCpuMs(Number(child));
      if (childMs === undefined) return undefined;
      ms += childMs;
    }
  }
  return ms;
}

/** One autocannon run: what it sent and got back, and the Clerk calls it caused. */
export interface Run {
  seconds: number;
  sent: number;
  answered: number;
  failures: number;
  /** Of every 2xx answer but each connection's first. */
  latenciesMs: number[];
  clerkCalls: number;
  /** CPU the app server used during the run (Linux only). */
  serverCpuMs?: number;
}

export interface LoadOptions {
  connections: number;
  duration: number;
  overallRate?: number;
  settleMs: number;
  serverPid?: number;
  /** Counts the template-token calls the emulator serves. */
  clerkCalls: ClerkCallCounter;
}

/**
 * Drives `url` with autocannon, each request carrying the next session token
 * in turn, and counts the Clerk template-token calls the emulator served.
 */
export async function load(url: string, sessionTokens: string[], options: LoadOptions): Promise<Run> {
  let turn = 0;
  const callsSince = options.clerkCalls.since();
  const cpuBefore = options.serverPid === undefined ? undefined : await processTreeCpuMs(options.serverPid);
  const latenciesMs: number[] = [];
  const instance = autocannon({
    url,
    connections: options.connections,
    duration: options.duration,
    overallRate: options.overallRate,
    requests: [
      {
        setupRequest: (request) => ({
          ...request,
          headers: { ...request.headers, authorization: `Bearer ${sessionTokens[turn++ % sessionTokens.length]}` },
        }),
      },
    ],
  });
  // A connection's first response also times opening it while the server is
  // busy with the others: a cost of starting the load, left out of latencies.
  const connected = new WeakSet<object>();
  instance.on("response", (client, statusCode, _bytes, responseTimeMs) => {
    if (!connected.has(client)) {
      connected.add(client);
      return;
    }
    if (statusCode >= 200 && statusCode < 300) latenciesMs.push(responseTimeMs);
  });
  const result = await instance;
  // Clerk calls still under way when the load stopped are logged when they end,
  // and the server's CPU for them counts towards this run.
  await sleep(options.settleMs);
  const cpuAfter = options.serverPid === undefined ? undefined : await processTreeCpuMs(options.serverPid);
  return {
    seconds: result.duration,
    sent: result.requests.sent,
    answered: result.requests.total,
    failures: result.non2xx + result.errors + result.timeouts,
    latenciesMs,
    clerkCalls: callsSince(),
    serverCpuMs: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore,
  };
}
