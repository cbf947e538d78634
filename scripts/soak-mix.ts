/**
 * What `npm run soak` asks for, and what it makes of the Clerk calls that
 * load cost (counted at the emulator, support/clerk-calls.ts).
 */
import type { Client } from "autocannon";
import type { TemplateTokenCall } from "../support/clerk-calls";
import { SEEDED_TEMPLATES } from "../support/clerk-env";

export const ROUTE = "/api/get-token-example";
/** A template the app allows but the emulator has never heard of: Clerk answers 404. */
export const UNKNOWN_TEMPLATE = "not-in-clerk";
/** What a token request may be answered with while Clerk is failing now and then. */
export const CLERK_FAULT_ANSWERS = [429, 502, 504];

/** autocannon's time limit per request, seconds: the route answers long before (CLERK_API_TIMEOUT_MS is 2 s). */
export const REQUEST_TIMEOUT_SECONDS = 10;

/** A request that got no answer, and when it was sent (ms since the epoch). */
export interface LostRequest {
  why: "connection closed" | "timed out";
  sentAtMs: number;
}

/**
 * autocannon's `setupClient`, telling `onLost` of every request sent on a
 * connection that closed before its answer (a killed worker's). autocannon 8
 * reconnects such a connection without forgetting the request, so every later
 * answer on it would be handed to the request before its own and judged
 * against the wrong kind; and it counts it as an error only when the socket
 * errs, not when the server's end closes it. Timeouts, which autocannon does
 * forget (and report as `reqError`), are not seen here.
 */
export function noticeLostRequests(onLost: (lost: LostRequest) => void) {
  return (client: Client) => {
    const connect = client._connect.bind(client);
    client._connect = () => {
      for (const { startTime } of client.pipelinedRequests.toArray()) {
        const [seconds, nanoseconds] = process.hrtime(startTime);
        onLost({ why: "connection closed", sentAtMs: Date.now() - (seconds * 1e3 + nanoseconds / 1e6) });
      }
      client.pipelinedRequests.clear();
      connect();
    };
  };
}

export interface Kind {
  name: string;
  expected: number[];
  path: string;
  headers: Record<string, string>;
  /** For the token kinds that reuse: whose token, for which template. */
  reuses?: { sessionId: string; template: string };
}

export interface SoakSession {
  sessionId: string;
  token: string;
}

/** The request kinds the load cycles through: every session's token, some fresh, and wrong requests of every sort. */
export function mixOfRequests(sessions: SoakSession[], hostileTokens: string[]): Kind[] {
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const kinds: Kind[] = [];
  sessions.forEach(({ sessionId, token }, i) => {
    const template = SEEDED_TEMPLATES[i % SEEDED_TEMPLATES.length]!;
    kinds.push({
      name: "token",
      expected: [200, ...CLERK_FAULT_ANSWERS],
      path: `${ROUTE}?template=${template}`,
      headers: bearer(token),
      reuses: { sessionId, template },
    });
    // Every fifth asks for a fresh token, so Clerk (and its faults) are met all along.
    if (i % 5 === 0) {
      kinds.push({
        name: "fresh token",
        expected: [200, ...CLERK_FAULT_ANSWERS],
        path: ROUTE,
        headers: { ...bearer(token), "cache-control": "no-cache" },
      });
    }
    if (i % 10 === 0) {
      kinds.push({
        name: "unknown template",
        expected: [404, ...CLERK_FAULT_ANSWERS],
        path: `${ROUTE}?template=${UNKNOWN_TEMPLATE}`,
        headers: bearer(token),
      });
      kinds.push({
        name: "bad template",
        expected: [400],
        path: `${ROUTE}?template=..%2Fusers`,
        headers: bearer(token),
      });
      kinds.push({ name: "signed out", expected: [401], path: ROUTE, headers: {} });
    }
  });
  for (const token of hostileTokens)
    kinds.push({ name: "hostile token", expected: [401], path: ROUTE, headers: bearer(token) });
  return kinds;
}

/**
 * Clerk's template-token calls for the load's sessions: all of them per
 * session, by what Clerk answered; and, for the sessions that only ever ask
 * with reuse, tokens minted per session, template and reuse window. 1 is one
 * Clerk call per window for the whole server (or fleet); the run's first
 * window counts whole, so a short run reads a little under 1 even when every
 * window cost a call.
 */
export function clerkCallFigures(
  kinds: Kind[],
  calls: TemplateTokenCall[],
  reuseWindowMsByTemplate: Map<string, number>,
  loadMs: number,
) {
  const sessions = new Set(kinds.flatMap((kind) => (kind.reuses ? [kind.reuses.sessionId] : [])));
  const ofLoad = calls.filter((call) => sessions.has(call.sessionId));
  const byStatus: Record<string, number> = {};
  for (const call of ofLoad) byStatus[call.status] = (byStatus[call.status] ?? 0) + 1;

  const askedFresh = new Set(
    kinds.filter((kind) => kind.headers["cache-control"] === "no-cache").map((kind) => kind.headers.authorization),
  );
  const reuseOnly = kinds.filter((kind) => kind.reuses && !askedFresh.has(kind.headers.authorization));
  const pairKey = (sessionId: string, template: string) => `${sessionId} ${template}`;
  const pairs = new Set(reuseOnly.map((kind) => pairKey(kind.reuses!.sessionId, kind.reuses!.template)));
  const minted = ofLoad.filter((call) => call.status === 200 && pairs.has(pairKey(call.sessionId, call.template)));
  let windows = 0;
  for (const kind of reuseOnly) {
    const windowMs = reuseWindowMsByTemplate.get(kind.reuses!.template);
    if (windowMs) windows += Math.ceil(loadMs / windowMs);
  }
  return {
    sessions: sessions.size,
    calls: ofLoad.length,
    callsPerSession: Number((ofLoad.length / sessions.size).toFixed(2)),
    byStatus,
    reuseOnly: {
      sessionTemplatePairs: pairs.size,
      reuseWindowSecondsByTemplate: Object.fromEntries(
        [...reuseWindowMsByTemplate].map(([template, ms]) => [template, ms / 1000]),
      ),
      tokensMinted: minted.length,
      windows,
      mintedPerSessionTemplateWindow: windows ? Number((minted.length / windows).toFixed(3)) : Number.NaN,
    },
  };
}
