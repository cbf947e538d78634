/**
 * `npm start`: one server process, or with WEB_CONCURRENCY=N a primary that
 * validates the configuration once and runs N workers (node:cluster), which
 * share the port.
 */
import cluster from "node:cluster";
import { superviseWorkers } from "./cluster";
import { readConfig } from "./read-config";

const { workers } = readConfig();
if (workers > 1 && cluster.isPrimary) {
  superviseWorkers(workers);
} else {
  await import("./index");
}
