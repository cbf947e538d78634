/**
 * `npm test`: the type check, ESLint, Prettier's check, the production build,
 * the Vitest suites and the Playwright suite, in that order, ending with one
 * line that counts every test: `N passed, N failed`. The type check, lint and
 * format check count as one test each.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";

const RESULTS = "test-results";

type Outcome = { passed: number; failed: number };

function run(command: string, args: string[], env: Record<string, string> = {}): boolean {
  console.log(`\n$ ${[command, ...args].join(" ")}`);
  const result = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, ...env } });
  return result.status === 0;
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

function check(command: string, args: string[]): Outcome {
  return run(command, args) ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
}

function vitest(): Outcome {
  const report = `${RESULTS}/vitest.json`;
  const ok = run("npx", ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile=${report}`]);
  const json = readJson(report) as { numPassedTests?: number; numFailedTests?: number } | undefined;
  if (!json) return { passed: 0, failed: 1 };
  return { passed: json.numPassedTests ?? 0, failed: (json.numFailedTests ?? 0) + (ok || json.numFailedTests ? 0 : 1) };
}

function playwright(): Outcome {
  const report = `${RESULTS}/playwright.json`;
  const ok = run("npx", ["playwright", "test", "--reporter=list,json"], { PLAYWRIGHT_JSON_OUTPUT_NAME: report });
  const stats = (readJson(report)?.stats ?? undefined) as
    { expected?: number; unexpected?: number; flaky?: number } | undefined;
  if (!stats) return { passed: 0, failed: 1 };
  const failed = (stats.unexpected ?? 0) + (stats.flaky ?? 0);
  return { passed: stats.expected ?? 0, failed: failed + (ok || failed ? 0 : 1) };
}

rmSync(RESULTS, { recursive: true, force: true });
mkdirSync(RESULTS, { recursive: true });

const outcomes: Array<[string, Outcome]> = [
  ["typecheck", check("npx", ["tsc"])],
  ["lint", check("npx", ["eslint", ".", "--max-warnings", "0"])],
  ["format", check("npx", ["prettier", "--check", ".", "--log-level", "warn"])],
];
if (run("npm", ["run", "build"])) {
  outcomes.push(["vitest", vitest()], ["playwright", playwright()]);
} else {
  outcomes.push(["build", { passed: 0, failed: 1 }]);
}

console.log("\nSummary:");
for (const [name, { passed, failed }] of outcomes)
  console.log(`  ${name.padEnd(10)} ${passed} passed, ${failed} failed`);
const total = outcomes.reduce((sum, [, o]) => ({ passed: sum.passed + o.passed, failed: sum.failed + o.failed }), {
  passed: 0,
  failed: 0,
});
console.log(`${total.passed} passed, ${total.failed} failed`);
process.exit(total.failed === 0 ? 0 : 1);
