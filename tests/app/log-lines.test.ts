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

it("writes a burst of request-log lines in a few writes, none over the 4096 bytes a pipe takes whole", () => {
  const output = outputOf(`
    import { logLine, prefixLogLines } from "./server/log-lines.ts";
    prefixLogLines("server", { clerkBanner: true });
    const sizes = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = (chunk) => (sizes.push(Buffer.byteLength(chunk)), write(chunk));
    for (let i = 0; i < 500; i += 1) logLine(\`GET /api/get-token-example?n=\${i} 200 1.0ms\`);
    setTimeout(() => process.stderr.write(\`WRITES \${JSON.stringify(sizes)}\\n\`), 50);
  `);
  const lines = output.split("\n").filter((line) => line.startsWith("[server] GET "));
  expect(lines).toHaveLength(500);
  expect(lines.at(-1)).toBe("[server] GET /api/get-token-example?n=499 200 1.0ms");
  const sizes = JSON.parse(/^WRITES (.*)$/m.exec(output)![1]!) as number[];
  expect(sizes.length).toBeLessThanOrEqual(15);
  expect(Math.max(...sizes)).toBeLessThanOrEqual(4096);
});
