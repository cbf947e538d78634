import cluster, { type Worker } from "node:cluster";
import { CLUSTER_REVOCATION } from "../app/utils/tokens/sharing/revocations.server";

// Beyond the longest a request waits for Clerk (CLERK_API_TIMEOUT_MS allows up to 60 s).
const DRAIN_LIMIT_MS = 65_000;

function log(message: string) {
  console.error(`[cluster] ${message}`);
}

function running(): Worker[] {
  return Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined);
}

/**
 * The primary of `npm start` with WEB_CONCURRENCY=N: starts N workers and
 * replaces one that crashes or is killed (logged). A worker that dies before
 * it ever listened (port taken, bad build) stops them all, and the primary
 * exits with its code: starting another would fail the same way. SIGTERM and
 * SIGINT are passed on to every worker, which finishes its requests in flight
 * before it exits; the primary exits last. Revocations a worker receives are
 * passed on to every worker.
 */
export function superviseWorkers(count: number) {
  let stopping = false;
  const listened = new Set<number>();

  const stopAll = (signal: NodeJS.Signals) => {
    stopping = true;
    for (const worker of running()) worker.process.kill(signal);
    // A request that never ends must not keep the fleet from stopping.
    setTimeout(() => {
      for (const worker of running()) worker.process.kill("SIGKILL");
    }, DRAIN_LIMIT_MS).unref();
  };

  cluster.on("listening", (worker) => {
    listened.add(worker.id);
    if (listened.size === count) log(`All ${count} workers are serving.`);
  });
  cluster.on("exit", (worker, code, signal) => {
    if (stopping || code === 0) {
      // process.exitCode: 0 unless a worker failed to start.
      if (running().length === 0) process.exit();
      return;
    }
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    if (!listened.has(worker.id)) {
      log(`Worker ${worker.process.pid} ${how} before it could serve; stopping.`);
      process.exitCode = code || 1;
      stopAll("SIGTERM");
      return;
    }
    log(`Worker ${worker.process.pid} ${how}; starting a replacement.`);
    cluster.fork();
  });
  cluster.on("message", (_worker, message: { type?: string }) => {
    if (message?.type === CLUSTER_REVOCATION) for (const worker of running()) worker.send(message);
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => stopAll(signal));

  log(`Starting ${count} workers.`);
  // One first: when it cannot serve (port taken, bad build) the others would fail the same way, each saying so.
  cluster.fork().once("listening", () => {
    for (let i = 1; i < count && !stopping; i += 1) cluster.fork();
  });
}
