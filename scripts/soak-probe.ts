/**
 * Preloaded into the app server by `npm run soak` (NODE_OPTIONS=--import): once
 * a second it writes the process's RSS, event-loop delay and unhandled
 * rejections to stderr as one `SOAK_PROBE {json}` line. Not part of the app.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";

const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
let unhandledRejections = 0;
let uncaughtExceptions = 0;
process.on("unhandledRejection", () => (unhandledRejections += 1));
process.on("uncaughtException", () => (uncaughtExceptions += 1));

setInterval(() => {
  const sample = {
    rssBytes: process.memoryUsage().rss,
    loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    unhandledRejections,
    uncaughtExceptions,
  };
  process.stderr.write(`SOAK_PROBE ${JSON.stringify(sample)}\n`);
}, 1000).unref();
