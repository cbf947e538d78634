import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/** The load test that judges throughput and latency: it runs alone, after the rest, so no other file's load skews it. */
const MEASURES_LOAD = ["tests/http/fleet.test.ts"];

export default defineConfig({
  resolve: {
    alias: { "~": fileURLToPath(new URL("./app", import.meta.url)) },
  },
  test: {
    environment: "node",
    testTimeout: 20_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Two files at a time on two cores: most tests wait on servers, sockets and timers (npm test ~1.5 min shorter).
    maxWorkers: 2,
    minWorkers: 1,
    projects: [
      {
        extends: true,
        test: {
          name: "tests",
          include: ["tests/**/*.test.ts", "emulator/**/*.test.ts"],
          exclude: MEASURES_LOAD,
        },
      },
      { extends: true, test: { name: "load", include: MEASURES_LOAD, sequence: { groupOrder: 1 } } },
    ],
  },
});
