import cluster, { type Worker } from "node:cluster";
import { CLUSTER_REVOCATION } from "../app/utils/tokens/sharing/revocations.server";

// Beyond the longest a request waits for Clerk (CLERK_API_TIMEOUT_MS allows up to 60 s).
const DRAIN_LIMIT_MS = 65_000;
// A crash loop's replacements wait 1 s, then twice as long each time, at most 30 s (decision 016).
const FIRST_BACK_OFF_MS = 1000;
const MAX_BACK_OFF_MS = 30_000;
/** A worker that has served this long is healthy: the next failure in its place is replaced at once again. */
const HEALTHY_AFTER_MS = 10_000;

/** One of the N places a worker fills: its current worker, and how many in a row failed there. */
interface Slot {
  worker?: Worker;
  failures: number;
  pendingStart?: NodeJS.Timeout;
}

function log(message: string) {
  console.error(`[cluster] ${message}`);
}

function running(): Worker[] {
  return Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined);
}

/**
 * How long the replacement for a slot's worker waits. The first exit after a
 * healthy spell is replaced at once; an exit before serving, or one more exit
 * before the last replacement was healthy, is a crash loop: back off.
 */
function backOff(slot: Slot, served: boolean): number {
  if (slot.failures === 0 && served) {
    slot.failures = 1;
    return 0;
  }
  slot.failures = Math.max(slot.failures, 1);
  const delay = Math.min(FIRST_BACK_OFF_MS * 2 ** (slot.failures - 1), MAX_BACK_OFF_MS);
  slot.failures += 1;
  return delay;
}

/**
 * The primary of `npm start` with WEB_CONCURRENCY=N: keeps N workers
 * (docs/decisions/016-node-cluster-workers.md). A worker that exits while the
 * fleet is not stopping, whatever its exit code, is replaced: at once after
 * a healthy spell, with a back-off in a crash loop, never by stopping the
 * others. Only a fleet that has never served gives up: when its first worker
 * dies before it listens (port taken, bad build) the primary exits with that
 * worker's code, since every replacement would fail the same way. SIGTERM and
 * SIGINT are passed on to every worker, which finishes its requests in flight
 * before it exits; the primary exits last. Revocations a worker receives are
 * passed on to every worker.
 */
export function superviseWorkers(count: number) {
  let stopping = false;
  let fleetHasServed = false;
  const slots: Slot[] = Array.from({ length: count }, () => ({ failures: 0 }));
  const slotOf = new Map<number, Slot>();
  const listening = new Set<number>();

  const start = (slot: Slot) => {
    slot.pendingStart = undefined;
    const worker = cluster.fork();
    slot.worker = worker;
    slotOf.set(worker.id, slot);
    return worker;
  };

  const stopAll = (signal: NodeJS.Signals) => {
    stopping = true;
    for (const slot of slots) clearTimeout(slot.pendingStart);
    // process.exitCode: 0 unless the fleet's first worker failed to start.
    if (running().length === 0) process.exit();
    for (const worker of running()) worker.process.kill(signal);
    // A request that never ends must not keep the fleet from stopping.
    setTimeout(() => {
      for (const worker of running()) worker.process.kill("SIGKILL");
    }, DRAIN_LIMIT_MS).unref();
  };

  cluster.on("listening", (worker) => {
    fleetHasServed = true;
    listening.add(worker.id);
    const slot = slotOf.get(worker.id)!;
    setTimeout(() => {
      if (slot.worker === worker) slot.failures = 0;
    }, HEALTHY_AFTER_MS).unref();
    if (listening.size === count) log(`All ${count} workers are serving.`);
  });
  cluster.on("exit", (worker, code, signal) => {
    const slot = slotOf.get(worker.id)!;
    slotOf.delete(worker.id);
    const served = listening.delete(worker.id);
    if (stopping) {
      if (running().length === 0) process.exit();
      return;
    }
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    if (!fleetHasServed) {
      log(`Worker ${worker.process.pid} ${how} before it could serve; stopping.`);
      process.exitCode = code || 1;
      stopAll("SIGTERM");
      return;
    }
    slot.worker = undefined;
    const delay = backOff(slot, served);
    const before = served ? "" : " before it could serve";
    if (delay === 0) {
      log(`Worker ${worker.process.pid} ${how}; starting a replacement.`);
      start(slot);
    } else {
      log(`Worker ${worker.process.pid} ${how}${before}; starting a replacement in ${delay / 1000} s.`);
      slot.pendingStart = setTimeout(() => start(slot), delay);
    }
  });
  cluster.on("message", (_worker, message: { type?: string }) => {
    if (message?.type === CLUSTER_REVOCATION) for (const worker of running()) worker.send(message);
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => stopAll(signal));

  log(`Starting ${count} workers.`);
  // One first: when it cannot serve (port taken, bad build) the others would fail the same way, each saying so.
  const [first, ...others] = slots;
  start(first!).once("listening", () => {
    for (const slot of others) if (!stopping) start(slot);
  });
}
