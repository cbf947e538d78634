import { describe, expect, it } from "vitest";
import { freePort, spawnCaptured } from "../../support/app-server";
import { inBatches } from "../../support/fleet";
import { readOptions, usageOf } from "../../scripts/command-line";
import { WARM_AFTER_MS } from "../../scripts/soak-memory";

/**
 * Every npm script a person runs answers `--help` with its usage (exit 0) and a
 * wrong option with one message (exit 1), before it starts anything: no stack
 * trace, no server left running (scripts/command-line.ts; the emulator, a
 * program of its own, in emulator/src/cli.ts).
 */

const SCRIPTS = ["bench", "soak", "fleet", "emulator", "dev", "start", "start:offline", "test"] as const;
type Script = (typeof SCRIPTS)[number];

const LIMIT_MS = 20_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run <script> -- <args>` as a person types it; stopped (and failed) if it is still running after LIMIT_MS. */
async function npmRun(script: Script, args: string[]): Promise<Run> {
  // Free ports, so that a script that wrongly starts anyway cannot take a port someone else uses.
  const env = { PORT: String(await freePort()), EMULATOR_PORT: String(await freePort()) };
  const run = spawnCaptured("npm", ["run", "--silent", script, "--", ...args], env, { detached: true });
  let stdout = "";
  let stderr = "";
  run.child.stdout.on("data", (chunk) => (stdout += chunk));
  run.child.stderr.on("data", (chunk) => (stderr += chunk));
  const timer = setTimeout(() => process.kill(-run.child.pid!, "SIGKILL"), LIMIT_MS);
  const [code] = await run.exited;
  clearTimeout(timer);
  return { code, stdout, stderr };
}

const STACK_FRAME = /^\s+at /m;
const usageLine = (script: Script) =>
  script === "test" || script === "start" ? `Usage: npm ${script}` : `Usage: npm run ${script}`;

/** Each case's run, started together (a few at a time: each is a Node process on a 2-core machine). */
async function runEach(cases: Array<[Script, string[]]>) {
  const runs = await inBatches(cases, 4, ([script, args]) => npmRun(script, args));
  return cases.map(([script, args], i) => ({ script, args, ...runs[i]! }));
}

const everyScript = (args: string[]) => SCRIPTS.map((script): [Script, string[]] => [script, args]);

describe("every script's command line", () => {
  it("--help prints the usage and exits 0, starting nothing", async () => {
    for (const { script, code, stdout, stderr } of await runEach(everyScript(["--help"]))) {
      expect({ script, code, stderr }).toEqual({ script, code: 0, stderr: "" });
      expect(stdout.startsWith(usageLine(script)), `${script}: ${stdout}`).toBe(true);
      expect(stdout).toContain("--help");
      if (script === "soak") expect(stdout).toContain("--fleet");
    }
  }, 60_000);

  it("an unknown option stops it with one message naming the option and --help, exit 1, no stack trace", async () => {
    for (const { script, code, stdout, stderr } of await runEach(everyScript(["--no-such-option"]))) {
      expect({ script, code, stdout }).toEqual({ script, code: 1, stdout: "" });
      expect(stderr).not.toMatch(STACK_FRAME);
      const lines = stderr.trim().split("\n");
      expect(lines.length, `${script}: ${stderr}`).toBeLessThanOrEqual(2);
      expect(lines[0]).toMatch(/--no-such-option/i);
      expect(lines.at(-1)).toContain("-- --help");
    }
  }, 60_000);

  it("a bad value stops bench, soak and the emulator with one message naming it, exit 1, no stack trace", async () => {
    const runs = await runEach([
      ["bench", ["--sessions", "x"]],
      // Too short to judge memory: the message says the shortest, longer with --fleet (its replacement worker).
      ["soak", ["--duration", "10"]],
      ["soak", ["--fleet", "--duration", "40"]],
      ["emulator", ["--port", "x"]],
    ]);
    for (const { script, args, code, stdout, stderr } of runs) {
      const [option, value] = args.slice(-2);
      expect({ script, code, stdout }).toEqual({ script, code: 1, stdout: "" });
      expect(stderr).not.toMatch(STACK_FRAME);
      expect(stderr.trim().split("\n").length, `${script}: ${stderr}`).toBeLessThanOrEqual(2);
      expect(stderr).toContain(`${option} must be a`);
      expect(stderr).toContain(`"${value}"`);
    }
    const [single, fleet] = runs
      .filter((run) => run.script === "soak")
      .map((run) => run.stderr.match(/at least (\d+)/));
    expect(Number(single?.[1])).toBeGreaterThan(WARM_AFTER_MS / 1000);
    expect(Number(fleet?.[1])).toBeGreaterThan(Number(single?.[1]));
  }, 60_000);
});

describe("a whole number's default while a switch is given (defaultWith)", () => {
  const command = {
    name: "npm run example",
    summary: "An example.",
    options: {
      duration: { kind: "whole number", default: 60, defaultWith: { fleet: 120 }, help: "seconds" },
      fleet: { kind: "switch", help: "a fleet" },
    },
  } as const;

  it("takes the switch's default, unless the number is given, and says both in the usage", () => {
    expect(readOptions(command, [])).toEqual({ duration: 60, fleet: false });
    expect(readOptions(command, ["--fleet"])).toEqual({ duration: 120, fleet: true });
    expect(readOptions(command, ["--fleet", "--duration", "90"])).toEqual({ duration: 90, fleet: true });
    expect(usageOf(command)).toContain("seconds (default 60; 120 with --fleet)");
  });
});
