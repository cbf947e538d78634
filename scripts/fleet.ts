/**
 * `npm run fleet`: sharing on one machine, to watch. A redis-server of its own
 * (Debian's package), the offline Clerk emulator sending its webhooks, and the
 * production build with several workers (WEB_CONCURRENCY, default 4) sharing
 * template tokens through that Redis. Needs `npm run build` first.
 */
import { existsSync } from "node:fs";
import { assertRedisServerInstalled, startLocalRedis } from "../support/redis-server";
import { exitWith } from "../server/read-config";
import { assertPortFree, runServer, startOfflineClerk } from "./offline-clerk";
import { readOptions } from "./command-line";

const DEFAULT_WORKERS = "4";

readOptions({
  name: "npm run fleet",
  summary:
    "Sharing on one machine, to watch: a redis-server of its own, the offline Clerk emulator sending its webhooks,\n" +
    "and the production build (npm run build first) with several workers sharing template tokens through that Redis.",
  environment: {
    PORT: "the app's port (default 3000)",
    WEB_CONCURRENCY: `how many workers (default ${DEFAULT_WORKERS})`,
    EMULATOR_PORT: "the offline emulator's port (default 4010)",
    EMULATOR_DATA_DIR: "the offline emulator's data dir (default emulator/.data)",
    REDIS_SERVER: "the redis-server program (default /usr/bin/redis-server)",
  },
});

if (!existsSync("build/server.js")) exitWith("build/server.js is missing: run `npm run build` first.");
assertRedisServerInstalled();
const port = Number(process.env.PORT ?? 3000);
await assertPortFree(port, "PORT");
const redis = await startLocalRedis();
const emulator = await startOfflineClerk(`http://localhost:${port}`);
const workers = process.env.WEB_CONCURRENCY ?? DEFAULT_WORKERS;
console.log(
  [
    `  Fleet:    ${workers} workers sharing template tokens through redis-server on ${redis.url} (no persistence)`,
    "  Watch:    sign in, copy the curl command, run it a few times: each answer's Server-Timing says",
    '            redis;desc="stored" (this worker called Clerk), "hit" (another one had), "waited" or "near";',
    `            \`redis-cli -p ${redis.port} monitor\` shows only HMAC key names and sealed values.`,
    "  Sign out: the emulator's webhook drops the session's tokens on every worker; the curl gets 401.",
    "",
  ].join("\n"),
);
runServer(
  "node",
  ["build/server.js"],
  { ...process.env, PORT: String(port), NODE_ENV: "production", WEB_CONCURRENCY: workers, REDIS_URL: redis.url },
  {
    async close() {
      await emulator.close();
      await redis.remove();
    },
  },
);
