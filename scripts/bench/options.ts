import { readOptions, type CommandSpec, type OptionValues } from "../command-line";

const OPTIONS = {
  sessions: { kind: "whole number", default: 10, help: "sessions sharing the main load" },
  connections: { kind: "whole number", default: 50, help: "concurrent connections" },
  duration: { kind: "whole number", default: 1, help: "seconds per main run" },
  rounds: { kind: "whole number", default: 20, help: "main runs per scenario, taking turns" },
  "latency-ms": { kind: "whole number", default: 50, min: 0, help: "simulated Clerk round trip" },
  "growth-rate": { kind: "whole number", default: 300, help: "requests/s of each sessions-growth run" },
  "growth-duration": { kind: "whole number", default: 8, help: "seconds per sessions-growth run" },
  "page-requests": {
    kind: "whole number",
    default: 300,
    help: "home-page requests timed, signed out and signed in each",
  },
  "fleet-sessions": { kind: "whole number", default: 200, help: "sessions asking once per worker in the fleet table" },
  "fleet-rounds": { kind: "whole number", default: 10, help: "runs each of 1 and 2 workers, taking turns" },
} as const;
export type Settings = OptionValues<typeof OPTIONS>;

export const BENCH: CommandSpec & { options: typeof OPTIONS } = {
  name: "npm run bench",
  summary:
    "Builds the app and measures it against the offline Clerk emulator on 127.0.0.1: the token route with reuse on\n" +
    "and off, Clerk calls as sessions grow, memory per cached token, the home page, and the fleet table. Prints\n" +
    "the figures and a PASS/FAIL line per target, writes them to bench-results/, exits 1 if a target fails.",
  options: OPTIONS,
  examples: ["npm run bench", "npm run bench -- --sessions 10 --connections 50 --rounds 20 --duration 1"],
};

/** The command line's options, each a whole number; --help prints them, a wrong one stops the bench with one message. */
export function readSettings(): Settings {
  return readOptions(BENCH);
}
