/**
 * `npm test`: the type check, ESLint, Prettier's check, the production build,
 * the Vitest suites and the Playwright suite, in that order, ending with one
 * line that counts every test: `N passed, N failed`, and `, N skipped` with the
 * skipped tests' names above it when any were skipped. The type check, lint and
 * format check count as one test each.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { readOptions } from "./command-line";

readOptions({
  name: "npm test",
  summary:
    "Every check, in order: the type check, ESLint, Prettier's check, the production build, the Vitest suites and\n" +
    "the Playwright suite; ends with one line counting every test (docs/testing.md). One suite or file on its own:\n" +
    "npx vitest run <file>, npx playwright test <spec>.",
});

const RESULTS = "test-results";

type Outcome = { passed: number; failed: number; skipped?: string[] };

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

type VitestReport = {
  numPassedTests?: number;
  numFailedTests?: number;
  testResults?: Array<{ name: string; assertionResults: Array<{ fullName: string; status: string }> }>;
};

function vitest(): Outcome {
  const report = `${RESULTS}/vitest.json`;
  const ok = run("npx", ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile=${report}`]);
  const json = readJson(report) as VitestReport | undefined;
  if (!json) return { passed: 0, failed: 1 };
  const skipped = (json.testResults ?? []).flatMap((file) =>
    file.assertionResults
      .filter(({ status }) => status === "skipped" || status === "pending" || status === "todo")
      .map(({ fullName }) => `${path.relative(process.cwd(), file.name)} › ${fullName}`),
  );
  return {
    passed: json.numPassedTests ?? 0,
    failed: (json.numFailedTests ?? 0) + (ok || json.numFailedTests ? 0 : 1),
    skipped,
  };
}

type PlaywrightSuite = {
  title: string;
  specs?: Array<{ title: string; tests: Array<{ status: string }> }>;
  suites?: PlaywrightSuite[];
};

function playwrightSkips(suite: PlaywrightSuite, titles: string[] = []): string[] {
  const here = suite.title ? [...titles, suite.title] : titles;
  const own = (suite.specs ?? [])
    .filter((spec) => spec.tests.some((test) => test.status === "skipped"))
    .map((spec) => [...here, spec.title].join(" › "));
  return [...own, ...(suite.suites ?? []).flatMap((child) => playwrightSkips(child, here))];
}

function playwright(): Outcome {
  const report = `${RESULTS}/playwright.json`;
  const ok = run("npx", ["playwright", "test", "--reporter=list,json"], { PLAYWRIGHT_JSON_OUTPUT_NAME: report });
  const json = readJson(report) as
    { stats?: { expected?: number; unexpected?: number; flaky?: number }; suites?: PlaywrightSuite[] } | undefined;
  const stats = json?.stats;
  if (!stats) return { passed: 0, failed: 1 };
  const failed = (stats.unexpected ?? 0) + (stats.flaky ?? 0);
  const skipped = (json.suites ?? []).flatMap((suite) => playwrightSkips(suite));
  return { passed: stats.expected ?? 0, failed: failed + (ok || failed ? 0 : 1), skipped };
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

const skipped = outcomes.flatMap(([, outcome]) => outcome.skipped ?? []);
if (skipped.length > 0) {
  console.log(`\nSkipped (${skipped.length}), each title says why:`);
  for (const title of skipped) console.log(`  - ${title}`);
}
console.log("\nSummary:");
const countsOf = ({ passed, failed, skipped = [] }: Outcome) =>
  `${passed} passed, ${failed} failed${skipped.length > 0 ? `, ${skipped.length} skipped` : ""}`;
for (const [name, outcome] of outcomes) console.log(`  ${name.padEnd(10)} ${countsOf(outcome)}`);
const total = outcomes.reduce(
  (sum, [, o]) => ({
    passed: sum.passed + o.passed,
    failed: sum.failed + o.failed,
    skipped: [...(sum.skipped ?? []), ...(o.skipped ?? [])],
  }),
  { passed: 0, failed: 0, skipped: [] } as Outcome,
);
console.log(countsOf(total));
process.exit(total.failed === 0 ? 0 : 1);
