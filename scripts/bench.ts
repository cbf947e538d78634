/**
 * `npm run bench`: the token route with template-token reuse on and off, and
 * the authentication-only floor (`GET /api/me`), under the same load, against
 * the offline emulator with a simulated Clerk round trip; then how Clerk calls
 * grow with sessions, memory per cached token, and the home page's JavaScript
 * and render time. Prints Markdown tables, ratios and a PASS/FAIL line per
 * target of issue 4, writes it all to bench-results/, and exits 1 if a target
 * fails. Everything listens on 127.0.0.1.
 *
 *   npm run bench -- --sessions 10 --connections 50 --rounds 20 --duration 1 --latency-ms 50
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import os from "node:os";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import autocannon from "autocannon";
import { decodeJwt } from "jose";
import { reusableForMs, TemplateTokenCache, type Clock } from "../app/token-cache.server";
import { startEmulator } from "../emulator/src/index";
import { startAppServer, type AppServer } from "../tests/support/app-server";
import { templateTokenCallCounter } from "../tests/support/clerk-calls";
import { appEnvFor, mintSessionToken } from "../tests/support/clerk-env";
import { writeSeedWithSessions } from "../tests/support/seed-sessions";
import { makeTempDir } from "../emulator/test/support/tmp";
import { buildApp, writeResults } from "./results";
import { setTimeout as sleep } from "node:timers/promises";

const TOKEN_ROUTE = "/api/get-token-example";
const FLOOR_ROUTE = "/api/me";
const REFERENCE_ROUTE = "/healthz";
const GROWTH_SESSIONS = [1, 10, 100, 1000];
const WARM_UP_SECONDS = 3;
const MEMORY_SAMPLE_ENTRIES = 10_000;
const BOUND = { maxEntries: 1000, sessions: 5000 };
const FIRST_PARTY_JS_BUDGET_BYTES = 150 * 1024;

const OPTIONS = {
  sessions: { default: 10, help: "sessions sharing the main load" },
  connections: { default: 50, help: "concurrent connections" },
  duration: { default: 1, help: "seconds per main run" },
  rounds: { default: 20, help: "main runs per scenario, taking turns" },
  "latency-ms": { default: 50, help: "simulated Clerk round trip" },
  "growth-rate": { default: 300, help: "requests/s of each sessions-growth run" },
  "growth-duration": { default: 8, help: "seconds per sessions-growth run" },
  "page-requests": { default: 300, help: "home-page requests timed, signed out and signed in each" },
} as const;
type Settings = { -readonly [name in keyof typeof OPTIONS]: number };

function readSettings(): Settings {
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

/** The value at `share` (0…1) of the way through the sorted values, interpolated between neighbours. */
function percentile(values: number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * share;
  const below = sorted[Math.floor(position)] ?? NaN;
  const above = sorted[Math.ceil(position)] ?? NaN;
  return below + (above - below) * (position - Math.floor(position));
}

async function mapWithConcurrency<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++) results[index] = await work(items[index]!);
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

const CLOCK_TICKS_PER_SECOND = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout) || 100;

/**
 * CPU time (user + system, all threads) used so far by a process and its
 * descendants, from Linux's /proc; undefined elsewhere. `npm start` is the
 * root of the app server's tree, and the server itself does all the work.
 */
async function processTreeCpuMs(pid: number): Promise<number | undefined> {
  let ms: number;
  let threads: string[];
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    ms = ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND) * 1000;
    threads = await readdir(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  for (const thread of threads) {
    // A thread that ended meanwhile has no children left to count.
    const children = await readFile(`/proc/${pid}/task/${thread}/children`, "utf8").catch(() => "");
    for (const child of children.split(" ").filter(Boolean)) {
      const childMs = await processTreeCpuMs(Number(child));
      if (childMs === undefined) return undefined;
      ms += childMs;
    }
  }
  return ms;
}

/** One autocannon run: what it sent and got back, and the Clerk calls it caused. */
interface Run {
  seconds: number;
  sent: number;
  answered: number;
  failures: number;
  /** Of every 2xx answer but each connection's first. */
  latenciesMs: number[];
  clerkCalls: number;
  /** CPU the app server used during the run (Linux only). */
  serverCpuMs?: number;
}

const clerkCalls = templateTokenCallCounter();

/**
 * Drives `url` with autocannon, each request carrying the next session token
 * in turn, and counts the Clerk template-token calls the emulator served.
 */
async function load(
  url: string,
  sessionTokens: string[],
  options: { connections: number; duration: number; overallRate?: number; settleMs: number; serverPid?: number },
): Promise<Run> {
  let turn = 0;
  const callsSince = clerkCalls.since();
  const cpuBefore = options.serverPid === undefined ? undefined : await processTreeCpuMs(options.serverPid);
  const latenciesMs: number[] = [];
  const instance = autocannon({
    url,
    connections: options.connections,
    duration: options.duration,
    overallRate: options.overallRate,
    requests: [
      {
        setupRequest: (request) => ({
          ...request,
          headers: { ...request.headers, authorization: `Bearer ${sessionTokens[turn++ % sessionTokens.length]}` },
        }),
      },
    ],
  });
  // A connection's first response also times opening it while the server is
  // busy with the others: a cost of starting the load, left out of latencies.
  const connected = new WeakSet<object>();
  instance.on("response", (client, statusCode, _bytes, responseTimeMs) => {
    if (!connected.has(client)) {
      connected.add(client);
      return;
    }
    if (statusCode >= 200 && statusCode < 300) latenciesMs.push(responseTimeMs);
  });
  const result = await instance;
  // Clerk calls still under way when the load stopped are logged when they end,
  // and the server's CPU for them counts towards this run.
  await sleep(options.settleMs);
  const cpuAfter = options.serverPid === undefined ? undefined : await processTreeCpuMs(options.serverPid);
  return {
    seconds: result.duration,
    sent: result.requests.sent,
    answered: result.requests.total,
    failures: result.non2xx + result.errors + result.timeouts,
    latenciesMs,
    clerkCalls: callsSince(),
    serverCpuMs: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore,
  };
}

/** Runs of one scenario taken together. Clerk calls per 1000 requests count every request sent. */
function summarize(runs: Run[]) {
  const sum = (pick: (run: Run) => number) => runs.reduce((total, run) => total + pick(run), 0);
  const latenciesMs = runs.flatMap((run) => run.latenciesMs);
  const requests = sum((run) => run.sent);
  const calls = sum((run) => run.clerkCalls);
  const measuredCpu = runs.every((run) => run.serverCpuMs !== undefined);
  return {
    requests,
    requestsPerSecond: sum((run) => run.answered) / sum((run) => run.seconds),
    p50Ms: percentile(latenciesMs, 0.5),
    p99Ms: percentile(latenciesMs, 0.99),
    failures: sum((run) => run.failures),
    clerkCalls: calls,
    clerkCallsPer1000: requests === 0 ? 0 : (calls / requests) * 1000,
    serverCpuMsPerRequest: measuredCpu ? sum((run) => run.serverCpuMs ?? 0) / sum((run) => run.answered) : undefined,
  };
}
type Summary = ReturnType<typeof summarize>;

const throughputOf = (run: Run) => run.answered / run.seconds;

/**
 * a's throughput ÷ b's over the rounds, each pair run back to back: the
 * median, and the quartiles, which show how much the machine's speed moved.
 */
function pairedThroughputRatio(a: Run[], b: Run[]) {
  const ratios = a.map((run, round) => throughputOf(run) / throughputOf(b[round]!));
  return {
    median: percentile(ratios, 0.5),
    lowerQuartile: percentile(ratios, 0.25),
    upperQuartile: percentile(ratios, 0.75),
  };
}

/** Heap bytes per cached token, tokens and keys shaped like real ones, measured in this process. */
async function memoryPerCachedToken(sampleJwt: string, clock: Clock): Promise<number> {
  const gc = globalThis.gc;
  if (!gc) throw new Error("Run with node's --expose-gc (npm run bench does).");
  const collect = () => {
    gc();
    return process.memoryUsage().heapUsed;
  };
  const before = collect();
  const cache = new TemplateTokenCache({ enabled: true, maxEntries: MEMORY_SAMPLE_ENTRIES, clock });
  for (let i = 0; i < MEMORY_SAMPLE_ENTRIES; i += 1) {
    // A distinct, flat string of the real token's length, as Clerk's answers are.
    const jwt = Buffer.from(`${sampleJwt.slice(0, -8)}${String(i).padStart(8, "0")}`).toString();
    await cache.lookup(JSON.stringify([`sess_${randomBytes(14).toString("hex")}`, "test"]), async () => jwt);
  }
  const after = collect();
  if (cache.size !== MEMORY_SAMPLE_ENTRIES)
    throw new Error(`Expected ${MEMORY_SAMPLE_ENTRIES} cached tokens, found ${cache.size}.`);
  return (after - before) / MEMORY_SAMPLE_ENTRIES;
}

/** The most entries a cache bounded to BOUND.maxEntries ever holds while BOUND.sessions sessions ask at once. */
async function largestEntryCount(sampleJwt: string, clock: Clock): Promise<number> {
  const cache = new TemplateTokenCache({ enabled: true, maxEntries: BOUND.maxEntries, clock });
  let largest = 0;
  await Promise.all(
    Array.from({ length: BOUND.sessions }, async (_, i) => {
      await cache.lookup(JSON.stringify([`sess_${i}`, "test"]), async () => sampleJwt);
      largest = Math.max(largest, cache.size);
    }),
  );
  return largest;
}

/** Same-origin scripts the HTML loads: module preloads, script sources and inline module imports. */
function firstPartyScriptUrls(html: string, origin: string): string[] {
  const found = [
    ...[...html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*>/g)].map(
      (tag) => /\bhref="([^"]+)"/.exec(tag[0])?.[1],
    ),
    ...[...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)].map((match) => match[1]),
    ...[...html.matchAll(/\b(?:import|from)\s*"([^"]+\.js)"/g)].map((match) => match[1]),
  ];
  const urls = found.filter((url): url is string => url !== undefined).map((url) => new URL(url, origin));
  // clerk-js is Clerk's, from its CDN or through the Frontend API proxy: not first-party.
  const firstParty = urls.filter((url) => url.origin === origin && !url.pathname.includes("/@clerk/clerk-js"));
  return [...new Set(firstParty.map(String))];
}

async function homePage(app: AppServer, sessionToken: string, requests: number) {
  const html = await (await fetch(`${app.url}/`, { headers: { Accept: "text/html" } })).text();
  const scripts = await Promise.all(
    firstPartyScriptUrls(html, app.url).map(async (url) => {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
      return gzipSync(Buffer.from(await response.arrayBuffer())).length;
    }),
  );
  const inlineScripts = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)]
    .map((match) => match[1] ?? "")
    .join("\n");

  const renderMs = async (headers: Record<string, string>) => {
    const times: number[] = [];
    for (let i = 0; i < requests; i += 1) {
      const started = performance.now();
      const response = await fetch(`${app.url}/`, { headers: { Accept: "text/html", ...headers } });
      await response.text();
      if (response.status !== 200) throw new Error(`GET / answered ${response.status}`);
      times.push(performance.now() - started);
    }
    return percentile(times, 0.5);
  };
  return {
    scriptFiles: scripts.length,
    scriptGzipBytes: scripts.reduce((sum, bytes) => sum + bytes, 0),
    inlineScriptGzipBytes: gzipSync(inlineScripts).length,
    renderP50SignedOutMs: await renderMs({}),
    renderP50SignedInMs: await renderMs({ Authorization: `Bearer ${sessionToken}` }),
  };
}

const fixed = (value: number, digits = 1) => value.toFixed(digits);
const spread = ({ median, lowerQuartile, upperQuartile }: ReturnType<typeof pairedThroughputRatio>) =>
  `${fixed(median, 2)}× (middle half of rounds ${fixed(lowerQuartile, 2)}–${fixed(upperQuartile, 2)}×)`;
const kib = (bytes: number) => `${fixed(bytes / 1024)} KB`;

function markdownTable(head: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

async function main() {
  const settings = readSettings();
  // Other processes' CPU use skews every number here: the report says how busy the machine was.
  const [loadAverageBefore = 0] = os.loadavg();
  buildApp();

  const temp = await makeTempDir("rct-bench-");
  const growthTotal = GROWTH_SESSIONS.reduce((sum, count) => sum + count, 0);
  // Main sessions, one for warming up, and fresh ones for each growth run.
  const seed = await writeSeedWithSessions(temp.dir, settings.sessions + 1 + growthTotal);
  const emulator = await startEmulator({
    port: 0,
    dataDir: temp.dir,
    seedFile: seed.seedFile,
    latencyMs: settings["latency-ms"],
    // Session tokens that outlive the whole run, so none expires mid-load.
    sessionTokenLifetimeSeconds: 3600,
    log: clerkCalls.log,
  });
  const servers: AppServer[] = [];
  try {
    console.log(`Minting ${seed.sessions.length} session tokens…`);
    const tokens = await mapWithConcurrency(seed.sessions, 50, (session) =>
      mintSessionToken(emulator, session.sessionId),
    );
    const mainTokens = tokens.slice(0, settings.sessions);
    const warmUpToken = tokens[settings.sessions]!;
    let growthPool = tokens.slice(settings.sessions + 1);

    console.log("Starting the production server twice: reuse on, and TOKEN_CACHE=off…");
    const [reuseOn, reuseOff] = await Promise.all([
      startAppServer(appEnvFor(emulator, { TOKEN_CACHE: "on" })),
      startAppServer(appEnvFor(emulator, { TOKEN_CACHE: "off" })),
    ]);
    servers.push(reuseOn, reuseOff);

    const settleMs = settings["latency-ms"] + 250;
    const mainLoad = { connections: settings.connections, duration: settings.duration, settleMs };
    const scenarios = {
      reference: { url: `${reuseOn.url}${REFERENCE_ROUTE}`, serverPid: reuseOn.pid },
      floor: { url: `${reuseOn.url}${FLOOR_ROUTE}`, serverPid: reuseOn.pid },
      on: { url: `${reuseOn.url}${TOKEN_ROUTE}`, serverPid: reuseOn.pid },
      off: { url: `${reuseOff.url}${TOKEN_ROUTE}`, serverPid: reuseOff.pid },
    };
    type Scenario = keyof typeof scenarios;
    const onUrl = scenarios.on.url;

    console.log("Warming the servers up…");
    for (const name of ["floor", "on", "floor", "on", "off", "reference"] as const) {
      await load(scenarios[name].url, [warmUpToken], { ...mainLoad, duration: WARM_UP_SECONDS });
    }

    console.log(
      `Measuring: ${settings.sessions} sessions, ${settings.connections} connections, ${settings.rounds} rounds of ${settings.duration} s…`,
    );
    // The machine's speed drifts over seconds (other tenants of the host, the
    // servers' heaps), so scenarios take short turns, reuse on always next to
    // reuse off and the floor, in an order reversed every other round.
    const order: Scenario[] = ["reference", "floor", "on", "off"];
    const runs: Record<Scenario, Run[]> = { reference: [], floor: [], on: [], off: [] };
    let onStarted: number | undefined;
    let onEnded = 0;
    for (let round = 0; round < settings.rounds; round += 1) {
      for (const name of round % 2 === 0 ? order : [...order].reverse()) {
        if (name === "on") onStarted ??= Date.now();
        runs[name].push(
          await load(scenarios[name].url, mainTokens, { ...mainLoad, serverPid: scenarios[name].serverPid }),
        );
        if (name === "on") onEnded = Date.now();
      }
    }
    const [reference, floor, on, off] = [runs.reference, runs.floor, runs.on, runs.off].map(summarize) as [
      Summary,
      Summary,
      Summary,
      Summary,
    ];

    // The reuse window, read from a real template token: how long one Clerk call serves a session.
    const sampleResponse = await fetch(onUrl, { headers: { Authorization: `Bearer ${warmUpToken}` } });
    const sampleJwt = ((await sampleResponse.json()) as { token: { jwt: string } }).token.jwt;
    const { iat = 0, exp = 0 } = decodeJwt(sampleJwt);
    const reuseWindowSeconds = reusableForMs(sampleJwt) / 1000;
    const allowedCalls = (sessions: number, seconds: number) => sessions * Math.ceil(seconds / reuseWindowSeconds);

    console.log(
      `Measuring Clerk calls as sessions grow (${settings["growth-rate"]} requests/s, ${settings["growth-duration"]} s each)…`,
    );
    const growth = [];
    for (const sessions of GROWTH_SESSIONS) {
      const sessionTokens = growthPool.slice(0, sessions);
      growthPool = growthPool.slice(sessions);
      const run = await load(onUrl, sessionTokens, {
        ...mainLoad,
        duration: settings["growth-duration"],
        overallRate: settings["growth-rate"],
      });
      growth.push({ sessions, ...summarize([run]), allowedCalls: allowedCalls(sessions, settings["growth-duration"]) });
    }

    console.log("Measuring memory and the home page…");
    // The in-process caches see the sample token as just minted, however long the runs above took.
    const mintedClock = { now: () => iat * 1000 };
    const bytesPerEntry = await memoryPerCachedToken(sampleJwt, mintedClock);
    const largestEntries = await largestEntryCount(sampleJwt, mintedClock);
    const page = await homePage(reuseOn, warmUpToken, settings["page-requests"]);

    const ratios = {
      onOverOffThroughput: pairedThroughputRatio(runs.on, runs.off),
      onOverFloorThroughput: pairedThroughputRatio(runs.on, runs.floor),
      onP99OverOffP50: on.p99Ms / off.p50Ms,
    };
    const mainAllowed = allowedCalls(settings.sessions, (onEnded - (onStarted ?? onEnded)) / 1000);
    const firstPartyJsBytes = page.scriptGzipBytes + page.inlineScriptGzipBytes;
    const targets = [
      {
        target: "Clerk calls with reuse on ≤ 1 per session and template per reuse window",
        pass: on.clerkCalls <= mainAllowed && growth.every((run) => run.clerkCalls <= run.allowedCalls),
        measured: [
          `main ${on.clerkCalls} ≤ ${mainAllowed}`,
          ...growth.map((run) => `${run.sessions} sessions ${run.clerkCalls} ≤ ${run.allowedCalls}`),
        ].join(", "),
      },
      {
        target: "reuse-on throughput ≥ 0.9 × floor",
        pass: ratios.onOverFloorThroughput.median >= 0.9,
        measured: spread(ratios.onOverFloorThroughput),
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
        pass: largestEntries <= BOUND.maxEntries,
        measured: `at most ${largestEntries}`,
      },
      {
        target: "home page first-party JS < 150 KB gzip",
        pass: firstPartyJsBytes < FIRST_PARTY_JS_BUDGET_BYTES,
        measured: kib(firstPartyJsBytes),
      },
      {
        target: "no failed requests",
        pass: [reference, floor, on, off, ...growth].every((run) => run.failures === 0),
        measured: `${[reference, floor, on, off, ...growth].reduce((sum, run) => sum + run.failures, 0)} failed`,
      },
    ];

    const scenarioRow = (name: string, run: Summary) => [
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
    const report = [
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
            reference,
          ),
          scenarioRow(`floor: \`GET ${FLOOR_ROUTE}\` (authentication only)`, floor),
          scenarioRow("token route, reuse on", on),
          scenarioRow("token route, `TOKEN_CACHE=off` (documented pattern)", off),
        ],
      ),
      "",
      `Throughput ratios, each round's pair run back to back: reuse on ÷ off **${spread(ratios.onOverOffThroughput)}**, reuse on ÷ floor **${spread(ratios.onOverFloorThroughput)}**. Reuse-on p99 ÷ reuse-off p50: **${fixed(ratios.onP99OverOffP50, 2)}**.`,
      "",
      "Server CPU counts every thread of the app server's process tree (`npm start` and the server it runs; Linux only) per answered request; the load generator and the emulator run in the bench's own process, on the same cores.",
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
          `allowed (1 per session per ${fixed(reuseWindowSeconds, 0)} s reuse window)`,
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
            `heap per cached token (${MEMORY_SAMPLE_ENTRIES} entries, ${sampleJwt.length}-character tokens)`,
            `${fixed(bytesPerEntry / 1024, 2)} KB`,
          ],
          [
            `most entries with TOKEN_CACHE_MAX_ENTRIES=${BOUND.maxEntries} and ${BOUND.sessions} sessions`,
            largestEntries,
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
      `Template \`test\`: ${exp - iat} s lifetime. Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "CPU"}, Node ${process.version}, load average ${fixed(loadAverageBefore, 2)} before the run.`,
    ].join("\n");

    console.log(`\n${report}\n`);
    for (const { target, pass, measured } of targets) console.log(`${pass ? "PASS" : "FAIL"} ${target}: ${measured}`);

    const machine = {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      loadAverageBefore,
    };
    const results = {
      settings,
      machine,
      reuseWindowSeconds,
      main: { reference, floor, on, off },
      // Each round's throughput, to see how steady the machine was.
      requestsPerSecondByRound: Object.fromEntries(
        Object.entries(runs).map(([scenario, scenarioRuns]) => [scenario, scenarioRuns.map(throughputOf)]),
      ),
      ratios,
      growth,
      memory: { bytesPerEntry, largestEntries, bound: BOUND },
      page,
      targets,
    };
    await writeResults("bench", results);
    process.exitCode = targets.every((t) => t.pass) ? 0 : 1;
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    await emulator.close();
    await temp.remove();
  }
}

await main();
