import { decodeJwt } from "jose";
import { reusableForMs } from "../../app/utils/tokens/cache.server";
import type { AppServer } from "../../support/app-server";
import { load, type ClerkCallCounter, type LoadOptions, type Run } from "./load";
import type { Settings } from "./options";
import { pairedThroughputRatio, summarize, type Summary } from "./statistics";

export const TOKEN_ROUTE = "/api/get-token-example";
export const FLOOR_ROUTE = "/api/me";
export const REFERENCE_ROUTE = "/healthz";
/** What remix-serve serves in the bench: the same build's authentication-only route. */
export const REMIX_SERVE_ROUTE = FLOOR_ROUTE;
export const GROWTH_SESSIONS = [1, 10, 100, 1000];
const WARM_UP_SECONDS = 3;

/**
 * The main load: the reference route, the authentication-only floor, the same
 * floor route served by remix-serve, and the token route with reuse on and off.
 */
export type Scenario = "reference" | "floor" | "remixServe" | "on" | "off";

export type GrowthRun = Summary & { sessions: number; allowedCalls: number };

function mainLoadOf(settings: Settings, clerkCalls: ClerkCallCounter): LoadOptions {
  return {
    connections: settings.connections,
    duration: settings.duration,
    settleMs: settings["latency-ms"] + 250,
    clerkCalls,
  };
}

/**
 * Warms both servers up, then runs each scenario `settings.rounds` times in
 * turns: the runs, their summaries, and how long the reuse-on runs spanned.
 */
export async function measureMainScenarios(
  settings: Settings,
  clerkCalls: ClerkCallCounter,
  servers: { reuseOn: AppServer; reuseOff: AppServer; remixServe: AppServer },
  tokens: { main: string[]; warmUp: string },
) {
  const { reuseOn, reuseOff, remixServe } = servers;
  const mainLoad = mainLoadOf(settings, clerkCalls);
  const scenarios: Record<Scenario, { url: string; serverPid: number }> = {
    reference: { url: `${reuseOn.url}${REFERENCE_ROUTE}`, serverPid: reuseOn.pid },
    floor: { url: `${reuseOn.url}${FLOOR_ROUTE}`, serverPid: reuseOn.pid },
    remixServe: { url: `${remixServe.url}${REMIX_SERVE_ROUTE}`, serverPid: remixServe.pid },
    on: { url: `${reuseOn.url}${TOKEN_ROUTE}`, serverPid: reuseOn.pid },
    off: { url: `${reuseOff.url}${TOKEN_ROUTE}`, serverPid: reuseOff.pid },
  };

  console.log("Warming the servers up…");
  for (const name of ["floor", "on", "remixServe", "floor", "on", "remixServe", "off", "reference"] as const) {
    await load(scenarios[name].url, [tokens.warmUp], { ...mainLoad, duration: WARM_UP_SECONDS });
  }

  console.log(
    `Measuring: ${settings.sessions} sessions, ${settings.connections} connections, ${settings.rounds} rounds of ${settings.duration} s…`,
  );
  // The machine's speed drifts over seconds (other tenants of the host, the
  // servers' heaps), so scenarios take short turns, reuse on always next to
  // remix-serve and reuse off, in an order reversed every other round.
  const order: Scenario[] = ["reference", "floor", "remixServe", "on", "off"];
  const runs: Record<Scenario, Run[]> = { reference: [], floor: [], remixServe: [], on: [], off: [] };
  let onStarted: number | undefined;
  let onEnded = 0;
  for (let round = 0; round < settings.rounds; round += 1) {
    for (const name of round % 2 === 0 ? order : [...order].reverse()) {
      if (name === "on") onStarted ??= Date.now();
      runs[name].push(
        await load(scenarios[name].url, tokens.main, { ...mainLoad, serverPid: scenarios[name].serverPid }),
      );
      if (name === "on") onEnded = Date.now();
    }
  }
  const summaries: Record<Scenario, Summary> = {
    reference: summarize(runs.reference),
    floor: summarize(runs.floor),
    remixServe: summarize(runs.remixServe),
    on: summarize(runs.on),
    off: summarize(runs.off),
  };
  return { onUrl: scenarios.on.url, runs, summaries, onSeconds: (onEnded - (onStarted ?? onEnded)) / 1000 };
}

/**
 * Reuse on against reuse off, the floor and remix-serve's floor, and the floor
 * against remix-serve's, round by round; reuse-on p99 against reuse-off p50.
 */
export function compareScenarios(runs: Record<Scenario, Run[]>, summaries: Record<Scenario, Summary>) {
  return {
    onOverOffThroughput: pairedThroughputRatio(runs.on, runs.off),
    onOverFloorThroughput: pairedThroughputRatio(runs.on, runs.floor),
    onOverRemixServeThroughput: pairedThroughputRatio(runs.on, runs.remixServe),
    floorOverRemixServeThroughput: pairedThroughputRatio(runs.floor, runs.remixServe),
    onP99OverOffP50: summaries.on.p99Ms / summaries.off.p50Ms,
  };
}
export type ScenarioComparison = ReturnType<typeof compareScenarios>;

/** A real template token from the token route, and its reuse window: how long one Clerk call serves a session. */
export async function sampleTemplateToken(url: string, sessionToken: string) {
  const response = await fetch(url, { headers: { Authorization: `Bearer ${sessionToken}` } });
  const jwt = ((await response.json()) as { token: { jwt: string } }).token.jwt;
  const { iat = 0, exp = 0 } = decodeJwt(jwt);
  return { jwt, iat, lifetimeSeconds: exp - iat, reuseWindowSeconds: reusableForMs(jwt) / 1000 };
}

/**
 * Clerk calls on the token route (reuse on) at a fixed rate, for each number of
 * GROWTH_SESSIONS, each with fresh sessions from `tokens`.
 */
export async function measureGrowth(
  settings: Settings,
  clerkCalls: ClerkCallCounter,
  url: string,
  tokens: string[],
  allowedCalls: (sessions: number, seconds: number) => number,
): Promise<GrowthRun[]> {
  console.log(
    `Measuring Clerk calls as sessions grow (${settings["growth-rate"]} requests/s, ${settings["growth-duration"]} s each)…`,
  );
  const growth: GrowthRun[] = [];
  let pool = tokens;
  for (const sessions of GROWTH_SESSIONS) {
    const sessionTokens = pool.slice(0, sessions);
    pool = pool.slice(sessions);
    const run = await load(url, sessionTokens, {
      ...mainLoadOf(settings, clerkCalls),
      duration: settings["growth-duration"],
      overallRate: settings["growth-rate"],
    });
    growth.push({ sessions, ...summarize([run]), allowedCalls: allowedCalls(sessions, settings["growth-duration"]) });
  }
  return growth;
}
