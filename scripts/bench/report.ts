import os from "node:os";
import { BOUND, MEMORY_SAMPLE_ENTRIES } from "./cache-memory";
import type { HomePage } from "./home-page";
import type { Settings } from "./options";
import {
  FLOOR_ROUTE,
  REFERENCE_ROUTE,
  REMIX_SERVE_ROUTE,
  type GrowthRun,
  type Scenario,
  type ScenarioComparison,
} from "./scenarios";
import type { Summary, ThroughputRatio } from "./statistics";

const FIRST_PARTY_JS_BUDGET_BYTES = 150 * 1024;
// The token step and the server around it cost at most 5 % next to remix-serve's getAuth route (issue 20).
const REMIX_SERVE_RATIO_TARGET = 0.95;

/** Everything the bench measured, as the report and the targets read it. */
export interface Figures {
  settings: Settings;
  main: Record<Scenario, Summary>;
  ratios: ScenarioComparison;
  /** Clerk calls the main reuse-on runs may make: one per session per reuse window they spanned. */
  mainAllowedCalls: number;
  growth: GrowthRun[];
  reuseWindowSeconds: number;
  sampleToken: { length: number; lifetimeSeconds: number };
  bytesPerEntry: number;
  largestEntries: number;
  page: HomePage;
  loadAverageBefore: number;
}

const fixed = (value: number, digits = 1) => value.toFixed(digits);
const spread = ({ median, lowerQuartile, upperQuartile }: ThroughputRatio) =>
  `${fixed(median, 2)}× (middle half of rounds ${fixed(lowerQuartile, 2)}–${fixed(upperQuartile, 2)}×)`;
const kib = (bytes: number) => `${fixed(bytes / 1024)} KB`;

export function markdownTable(head: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

/** The targets of issues 4 and 20, each passed or failed with what was measured. */
export function judgeTargets(figures: Figures) {
  const { settings, main, ratios, growth, page } = figures;
  const { reference, floor, remixServe, on, off } = main;
  const firstPartyJsBytes = page.scriptGzipBytes + page.inlineScriptGzipBytes;
  return [
    {
      target: "Clerk calls with reuse on ≤ 1 per session and template per reuse window",
      pass: on.clerkCalls <= figures.mainAllowedCalls && growth.every((run) => run.clerkCalls <= run.allowedCalls),
      measured: [
        `main ${on.clerkCalls} ≤ ${figures.mainAllowedCalls}`,
        ...growth.map((run) => `${run.sessions} sessions ${run.clerkCalls} ≤ ${run.allowedCalls}`),
      ].join(", "),
    },
    {
      target: "reuse-on throughput ≥ 0.9 × floor",
      pass: ratios.onOverFloorThroughput.median >= 0.9,
      measured: spread(ratios.onOverFloorThroughput),
    },
    {
      target: `reuse-on throughput ≥ ${REMIX_SERVE_RATIO_TARGET} × remix-serve's \`GET ${REMIX_SERVE_ROUTE}\` (same build)`,
      pass: ratios.onOverRemixServeThroughput.median >= REMIX_SERVE_RATIO_TARGET,
      measured: spread(ratios.onOverRemixServeThroughput),
    },
    {
      target: `reuse-on throughput ≥ 2 × reuse-off (${settings["latency-ms"]} ms Clerk, ${settings.connections} connections)`,
      pass: ratios.onOverOffThroughput.median >= 2,
      measured: spread(ratios.onOverOffThroughput),
    },
    {
      target: "reuse-on p99 < reuse-off p50",
      pass: on.p99Ms < off.p50Ms,
      measured: `${fixed(on.p99Ms)} ms < ${fixed(off.p50Ms)} ms`,
    },
    {
      target: `cache entries never exceed ${BOUND.maxEntries} with ${BOUND.sessions} sessions`,
      pass: figures.largestEntries <= BOUND.maxEntries,
      measured: `at most ${figures.largestEntries}`,
    },
    {
      target: "home page first-party JS < 150 KB gzip",
      pass: firstPartyJsBytes < FIRST_PARTY_JS_BUDGET_BYTES,
      measured: kib(firstPartyJsBytes),
    },
    {
      target: "no failed requests",
      pass: [reference, floor, remixServe, on, off, ...growth].every((run) => run.failures === 0),
      measured: `${[reference, floor, remixServe, on, off, ...growth].reduce((sum, run) => sum + run.failures, 0)} failed`,
    },
  ];
}

function scenarioRow(name: string, run: Summary) {
  return [
    name,
    fixed(run.requestsPerSecond, 0),
    fixed(run.p50Ms),
    fixed(run.p99Ms),
    run.requests,
    run.failures,
    run.clerkCalls,
    fixed(run.clerkCallsPer1000, 2),
    run.serverCpuMsPerRequest === undefined ? "n/a" : fixed(run.serverCpuMsPerRequest, 2),
  ];
}

/** The figures as Markdown: the main scenarios, Clerk calls as sessions grow, memory and the home page. */
export function renderReport(figures: Figures): string {
  const { settings, main, ratios, growth, page } = figures;
  return [
    `### Token route: ${settings.sessions} sessions, ${settings.connections} connections, ${settings.rounds} × ${settings.duration} s per scenario, Clerk round trip ${settings["latency-ms"]} ms`,
    "",
    markdownTable(
      [
        "scenario",
        "requests/s",
        "p50 ms",
        "p99 ms",
        "requests",
        "failed",
        "Clerk calls",
        "Clerk calls / 1000 requests",
        "server CPU ms / request",
      ],
      [
        scenarioRow(
          `reference: \`GET ${REFERENCE_ROUTE}\` (no authentication; also passes compression and a static-file lookup, which /api skips)`,
          main.reference,
        ),
        scenarioRow(`floor: \`GET ${FLOOR_ROUTE}\` (authentication only)`, main.floor),
        scenarioRow(
          `remix-serve: \`GET ${REMIX_SERVE_ROUTE}\` served by \`remix-serve build/index.js\` (the same build and environment)`,
          main.remixServe,
        ),
        scenarioRow("token route, reuse on", main.on),
        scenarioRow("token route, `TOKEN_CACHE=off` (documented pattern)", main.off),
      ],
    ),
    "",
    `Throughput ratios, each round's pair run back to back: reuse on ÷ off **${spread(ratios.onOverOffThroughput)}**, reuse on ÷ floor **${spread(ratios.onOverFloorThroughput)}**. Reuse-on p99 ÷ reuse-off p50: **${fixed(ratios.onP99OverOffP50, 2)}**.`,
    "",
    `Against remix-serve: token route (reuse on, this app's server) ÷ remix-serve's \`GET ${REMIX_SERVE_ROUTE}\` **${spread(ratios.onOverRemixServeThroughput)}**; the same \`GET ${FLOOR_ROUTE}\` on this app's server ÷ on remix-serve **${spread(ratios.floorOverRemixServeThroughput)}**.`,
    "",
    "Server CPU counts every thread of the app server's process tree (`npm start` and the server it runs, or `remix-serve`; Linux only) per answered request; the load generator and the emulator run in the bench's own process, on the same cores.",
    "",
    `### Clerk calls as sessions grow: reuse on, ${settings["growth-rate"]} requests/s for ${settings["growth-duration"]} s each`,
    "",
    markdownTable(
      [
        "sessions",
        "requests/s",
        "requests",
        "Clerk calls",
        "Clerk calls / 1000 requests",
        `allowed (1 per session per ${fixed(figures.reuseWindowSeconds, 0)} s reuse window)`,
      ],
      growth.map((run) => [
        run.sessions,
        fixed(run.requestsPerSecond, 0),
        run.requests,
        run.clerkCalls,
        fixed(run.clerkCallsPer1000, 2),
        run.allowedCalls,
      ]),
    ),
    "",
    "With `TOKEN_CACHE=off` every request is a Clerk call (1000 per 1000 requests), whatever the number of sessions.",
    "",
    "### Memory and the home page",
    "",
    markdownTable(
      ["measure", "value"],
      [
        [
          `heap per cached token (${MEMORY_SAMPLE_ENTRIES} entries, ${figures.sampleToken.length}-character tokens)`,
          `${fixed(figures.bytesPerEntry / 1024, 2)} KB`,
        ],
        [
          `most entries with TOKEN_CACHE_MAX_ENTRIES=${BOUND.maxEntries} and ${BOUND.sessions} sessions`,
          figures.largestEntries,
        ],
        [
          `home page first-party JS, gzip (${page.scriptFiles} files + inline scripts; clerk-js excluded)`,
          `${kib(page.scriptGzipBytes)} + ${kib(page.inlineScriptGzipBytes)}`,
        ],
        [
          `home page server render p50, signed out (${settings["page-requests"]} requests)`,
          `${fixed(page.renderP50SignedOutMs, 2)} ms`,
        ],
        [
          `home page server render p50, signed in (${settings["page-requests"]} requests)`,
          `${fixed(page.renderP50SignedInMs, 2)} ms`,
        ],
      ],
    ),
    "",
    `Template \`test\`: ${figures.sampleToken.lifetimeSeconds} s lifetime. Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "CPU"}, Node ${process.version}, load average ${fixed(figures.loadAverageBefore, 2)} before the run.`,
  ].join("\n");
}
