/**
 * `npm run bench`: the token route with template-token reuse on and off, and
 * the authentication-only floor (`GET /api/me`) served by this app's server and
 * by `remix-serve` (the same build), under the same load, against
 * the offline emulator with a simulated Clerk round trip; then how Clerk calls
 * grow with sessions, memory per cached token, and the home page's JavaScript
 * and render time. Prints Markdown tables, ratios and a PASS/FAIL line per
 * target of issue 4, writes it all to bench-results/, and exits 1 if a target
 * fails. Everything listens on 127.0.0.1.
 *
 *   npm run bench -- --sessions 10 --connections 50 --rounds 20 --duration 1 --latency-ms 50
 */
import os from "node:os";
import { startEmulator } from "../../emulator/src/index";
import { startAppServer, startRemixServe, type AppServer } from "../../support/app-server";
import { templateTokenCallCounter } from "../../support/clerk-calls";
import { appEnvFor, mintSessionToken } from "../../support/clerk-env";
import { writeSeedWithSessions } from "../../support/seed-sessions";
import { makeTempDir } from "../../support/temp-dir";
import { buildApp, writeResults } from "../results";
import { BOUND, largestEntryCount, memoryPerCachedToken } from "./cache-memory";
import { judgeFleet, measureFleet, renderFleet } from "./fleet";
import { homePage } from "./home-page";
import { readSettings } from "./options";
import { judgeTargets, renderReport } from "./report";
import {
  compareScenarios,
  GROWTH_SESSIONS,
  measureGrowth,
  measureMainScenarios,
  sampleTemplateToken,
} from "./scenarios";
import { throughputOf } from "./statistics";

async function mapWithConcurrency<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++) results[index] = await work(items[index]!);
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

async function main() {
  const settings = readSettings();
  // Other processes' CPU use skews every number here: the report says how busy the machine was.
  const [loadAverageBefore = 0] = os.loadavg();
  buildApp();

  const temp = await makeTempDir("rct-bench-");
  const growthTotal = GROWTH_SESSIONS.reduce((sum, count) => sum + count, 0);
  // Main sessions, one for warming up, fresh ones for each growth run and for the fleet table.
  const seed = await writeSeedWithSessions(temp.dir, settings.sessions + 1 + growthTotal + settings["fleet-sessions"]);
  const clerkCalls = templateTokenCallCounter();
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
    const warmUpToken = tokens[settings.sessions]!;

    console.log("Starting the production server twice (reuse on, and TOKEN_CACHE=off) and remix-serve…");
    const [reuseOn, reuseOff, remixServe] = await Promise.all([
      startAppServer(appEnvFor(emulator, { TOKEN_CACHE: "on" })),
      startAppServer(appEnvFor(emulator, { TOKEN_CACHE: "off" })),
      startRemixServe(appEnvFor(emulator)),
    ]);
    servers.push(reuseOn, reuseOff, remixServe);

    const main = await measureMainScenarios(
      settings,
      clerkCalls,
      { reuseOn, reuseOff, remixServe },
      { main: tokens.slice(0, settings.sessions), warmUp: warmUpToken },
    );
    const sample = await sampleTemplateToken(main.onUrl, warmUpToken);
    const allowedCalls = (sessions: number, seconds: number) =>
      sessions * Math.ceil(seconds / sample.reuseWindowSeconds);
    const growth = await measureGrowth(
      settings,
      clerkCalls,
      main.onUrl,
      tokens.slice(settings.sessions + 1, settings.sessions + 1 + growthTotal),
      allowedCalls,
    );
    const fleet = await measureFleet(settings, emulator, clerkCalls, {
      fresh: tokens.slice(settings.sessions + 1 + growthTotal),
      main: tokens.slice(0, settings.sessions),
    });

    console.log("Measuring memory and the home page…");
    // The in-process caches see the sample token as just minted, however long the runs above took.
    const mintedClock = { now: () => sample.iat * 1000 };
    const bytesPerEntry = await memoryPerCachedToken(sample.jwt, mintedClock);
    const largestEntries = await largestEntryCount(sample.jwt, mintedClock);
    const page = await homePage(reuseOn, warmUpToken, settings["page-requests"]);

    const ratios = compareScenarios(main.runs, main.summaries);
    const figures = {
      settings,
      main: main.summaries,
      ratios,
      mainAllowedCalls: allowedCalls(settings.sessions, main.onSeconds),
      growth,
      reuseWindowSeconds: sample.reuseWindowSeconds,
      sampleToken: { length: sample.jwt.length, lifetimeSeconds: sample.lifetimeSeconds },
      bytesPerEntry,
      largestEntries,
      page,
      loadAverageBefore,
    };
    const targets = [...judgeTargets(figures), ...judgeFleet(fleet)];
    console.log(`\n${renderReport(figures)}\n\n${renderFleet(fleet, settings["fleet-rounds"])}\n`);
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
      reuseWindowSeconds: sample.reuseWindowSeconds,
      main: main.summaries,
      // Each round's throughput, to see how steady the machine was.
      requestsPerSecondByRound: Object.fromEntries(
        Object.entries(main.runs).map(([scenario, scenarioRuns]) => [scenario, scenarioRuns.map(throughputOf)]),
      ),
      ratios,
      growth,
      memory: { bytesPerEntry, largestEntries, bound: BOUND },
      page,
      fleet,
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
