/**
 * `npm start`: one server process, or with WEB_CONCURRENCY=N a primary that
 * validates the configuration once and runs N workers (node:cluster), which
 * share the port.
 */
import cluster from "node:cluster";
import { superviseWorkers } from "./cluster";
import { prefixLogLines } from "./log-lines";
import { readConfig } from "./read-config";

const { workers } = readConfig();
if (workers > 1 && cluster.isPrimary) {
  // Its workers prefix their own lines (server/index.ts).
  prefixLogLines("primary", { clerkBanner: false });
  superviseWorkers(workers);
} else {
  if (cluster.isWorker) {
    // A terminal's Ctrl-C or a process-group kill reaches a worker twice (directly and from
    // the primary): the second must not cut short the draining the first started.
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => {});
  }
  await import("./index");
}
