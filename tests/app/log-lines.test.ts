import { spawnSync } from "node:child_process";
import { expect, it } from "vitest";
import { REPO_ROOT } from "../../support/app-server";

/**
 * server/log-lines.ts writes request-log lines a burst at a time: none may be
 * lost when the process exits right after them, nor come out of order with a
 * line written at once.
 */
function outputOf(script: string): string {
  const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    cwd: REPO_ROOT,
    encoding: "utf8",
  });
  return child.stdout + child.stderr;
}

it("writes every request-log line, in order, prefixed, when the process exits right after them", () => {
  const output = outputOf(`
    import { logLine, prefixLogLines } from "./server/log-lines.ts";
    prefixLogLines("worker 3", { clerkBanner: false });
    logLine("GET /first 200 1.0ms");
    console.log("written at once");
    logLine("GET /second 200 1.0ms");
    process.exit(0);
  `);
  expect(output).toBe(
    "[worker 3] GET /first 200 1.0ms\n[worker 3] written at once\n[worker 3] GET /second 200 1.0ms\n",
  );
});
