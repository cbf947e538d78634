/**
 * Loaded into the app server, and only into it, by `npm run soak`
 * (`node --expose-gc --import <this, bundled> build/server.js`), and with
 * WEB_CONCURRENCY into the primary and each worker it forks (they inherit the
 * flags). Every 2 s it writes one `SOAK_PROBE {json}` line to stderr: its pid,
 * parent and start, RSS, heap used and external memory after a forced full GC,
 * event-loop delay and unhandled errors. Not part of the app.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { SAMPLE_INTERVAL_MS, type ProbeSample } from "./soak-memory";

const { gc } = globalThis;
if (!gc) throw new Error("The soak probe forces full GCs: start the server with node --expose-gc.");

const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
let unhandledRejections = 0;
let uncaughtExceptions = 0;
process.on("unhandledRejection", () => (unhandledRejections += 1));
process.on("uncaughtException", () => (uncaughtExceptions += 1));

setInterval(() => {
  const rssBytes = process.memoryUsage.rss();
  // The loop-delay figure is the server's own: the pause the probe causes is left out.
  loopDelay.disable();
  const gcStarted = performance.now();
  gc();
  const forcedGcMs = performance.now() - gcStarted;
  loopDelay.enable();
  const { heapUsed, external } = process.memoryUsage();
  const sample: ProbeSample = {
    pid: process.pid,
    ppid: process.ppid,
    startedAtMs: Math.round(performance.timeOrigin),
    atMs: Date.now(),
    rssBytes,
    heapUsedAfterGcBytes: heapUsed,
    externalAfterGcBytes: external,
    forcedGcMs,
    loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    unhandledRejections,
    uncaughtExceptions,
  };
  process.stderr.write(`SOAK_PROBE ${JSON.stringify(sample)}\n`);
}, SAMPLE_INTERVAL_MS).unref();
