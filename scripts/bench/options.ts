import { parseArgs } from "node:util";

const OPTIONS = {
  sessions: { default: 10, help: "sessions sharing the main load" },
  connections: { default: 50, help: "concurrent connections" },
  duration: { default: 1, help: "seconds per main run" },
  rounds: { default: 20, help: "main runs per scenario, taking turns" },
  "latency-ms": { default: 50, help: "simulated Clerk round trip" },
  "growth-rate": { default: 300, help: "requests/s of each sessions-growth run" },
  "growth-duration": { default: 8, help: "seconds per sessions-growth run" },
  "page-requests": { default: 300, help: "home-page requests timed, signed out and signed in each" },
  "fleet-sessions": { default: 200, help: "sessions asking once per worker in the fleet table" },
  "fleet-rounds": { default: 10, help: "runs each of 1 and 2 workers, taking turns" },
} as const;
export type Settings = { -readonly [name in keyof typeof OPTIONS]: number };

/** The command line's options, each a whole number; a wrong one stops the bench with the list of options. */
export function readSettings(): Settings {
  const { values } = parseArgs({
    options: Object.fromEntries(Object.keys(OPTIONS).map((name) => [name, { type: "string" as const }])),
  });
  const settings = {} as Settings;
  for (const [name, option] of Object.entries(OPTIONS) as Array<[keyof Settings, (typeof OPTIONS)[keyof Settings]]>) {
    const value = Number(values[name] ?? option.default);
    if (!Number.isInteger(value) || value < (name === "latency-ms" ? 0 : 1)) {
      const usage = Object.entries(OPTIONS).map(([n, o]) => `  --${n} (${o.help}, default ${o.default})`);
      throw new Error(
        `--${name} must be a whole number${name === "latency-ms" ? "" : " above 0"}.\nOptions:\n${usage.join("\n")}`,
      );
    }
    settings[name] = value;
  }
  return settings;
}
