import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppServer, type AppServer } from "../../support/app-server";
import { templateTokenCallCounter } from "../../support/clerk-calls";
import { appEnvFor, mintSessionToken, revokeSession } from "../../support/clerk-env";
import { startTestEmulator, type TestEmulator } from "../support/emulator";
import { sessionClaims, signWithInstanceKey } from "../../support/forge";
import { writeSeedWithSessions, type SeededSession } from "../../support/seed-sessions";
import { makeTempDir } from "../../support/temp-dir";

/**
 * Template-token reuse in the production server, against the emulator (Clerk
 * calls counted from its request log; failures injected as its faults). The
 * reuse window itself is tested to the millisecond in tests/app/token-cache.test.ts.
 */

const ROUTE = "/api/get-token-example";
// Long enough that concurrent requests overlap one Clerk call.
const CLERK_LATENCY_MS = 150;
const SERVER_TIMING = /^cache;desc="(hit|miss|bypass)"(, clerk;dur=\d+\.\d)?$/;

let emulator: TestEmulator;
let removeSeed: () => Promise<void>;
const clerkCalls = templateTokenCallCounter();
let sessions: Array<SeededSession & { token: string }>;
let reuseOn: AppServer;
let reuseOff: AppServer;
let twoEntries: AppServer;

beforeAll(async () => {
  const seedDir = await makeTempDir();
  removeSeed = seedDir.remove;
  const seed = await writeSeedWithSessions(seedDir.dir, 42);
  emulator = await startTestEmulator({ seedFile: seed.seedFile, latencyMs: CLERK_LATENCY_MS, log: clerkCalls.log });
  sessions = await Promise.all(
    seed.sessions.map(async (session) => ({ ...session, token: await mintSessionToken(emulator, session.sessionId) })),
  );
  [reuseOn, reuseOff, twoEntries] = await Promise.all([
    startAppServer(appEnvFor(emulator)),
    startAppServer(appEnvFor(emulator, { TOKEN_CACHE: "off" })),
    startAppServer(appEnvFor(emulator, { TOKEN_CACHE_MAX_ENTRIES: "2" })),
  ]);
});

afterAll(async () => {
  await Promise.all([reuseOn?.stop(), reuseOff?.stop(), twoEntries?.stop()]);
  await emulator?.stop();
  await removeSeed?.();
});

/** One session, by index: each test uses its own, so no test sees another's cached tokens. */
const session = (index: number) => sessions[index]!;

async function getToken(
  server: AppServer,
  sessionToken: string,
  { query = "", headers = {} as Record<string, string> } = {},
) {
  const response = await fetch(`${server.url}${ROUTE}${query}`, {
    headers: { Authorization: `Bearer ${sessionToken}`, ...headers },
  });
  const body = await response.json();
  const timing = response.headers.get("server-timing");
  return {
    status: response.status,
    body,
    jwt: body.token?.jwt as string | undefined,
    outcome: timing?.match(SERVER_TIMING)?.[1],
    timing,
  };
}

/** Runs `work` and tells how many template-token calls the emulator served meanwhile. */
async function countingClerkCalls<T>(work: () => Promise<T>): Promise<{ result: T; calls: number }> {
  const callsSince = clerkCalls.since();
  const result = await work();
  return { result, calls: callsSince() };
}

describe("token reuse (TOKEN_CACHE=on, the default)", () => {
  it("calls Clerk on the first request, then hands out the same token, and says so in Server-Timing", async () => {
    const { token } = session(0);
    const { result, calls } = await countingClerkCalls(async () => [
      await getToken(reuseOn, token),
      await getToken(reuseOn, token),
    ]);
    const [first, second] = result;
    expect(first).toMatchObject({ status: 200, outcome: "miss" });
    expect(first!.timing).toMatch(/clerk;dur=\d/);
    expect(second).toMatchObject({ status: 200, outcome: "hit", jwt: first!.jwt, timing: 'cache;desc="hit"' });
    expect(calls).toBe(1);
  });

  it("keeps each template's token apart", async () => {
    const { token } = session(1);
    const { result, calls } = await countingClerkCalls(() =>
      Promise.all([getToken(reuseOn, token), getToken(reuseOn, token, { query: "?template=profile" })]),
    );
    expect(result.map((r) => r.outcome)).toEqual(["miss", "miss"]);
    expect(decodeJwt(result[1]!.jwt!)).toHaveProperty("greeting");
    expect((await getToken(reuseOn, token, { query: "?template=profile" })).jwt).toBe(result[1]!.jwt);
    expect(calls).toBe(2);
  });

  it("keeps each organization and role's token apart: a session that switches organization gets a new one", async () => {
    const { sessionId, userId } = session(41);
    // Session tokens (v2) name the active organization in `o`; the session id stays the same.
    const inOrganization = (id: string, rol: string) =>
      signWithInstanceKey(
        emulator.privateJwk,
        sessionClaims(emulator.frontendApiHost, { sid: sessionId, sub: userId, o: { id, rol, slg: id } }),
      );
    const { result, calls } = await countingClerkCalls(async () => [
      await getToken(reuseOn, await inOrganization("org_a", "admin")),
      await getToken(reuseOn, await inOrganization("org_b", "admin")),
      await getToken(reuseOn, await inOrganization("org_b", "member")),
      await getToken(reuseOn, await inOrganization("org_a", "admin")),
    ]);
    expect(result.map((r) => r.outcome)).toEqual(["miss", "miss", "miss", "hit"]);
    expect(calls).toBe(3);
  });

  it("answers Cache-Control: no-cache with a freshly minted token, which later requests then reuse", async () => {
    const { token } = session(2);
    const first = await getToken(reuseOn, token);
    const fresh = await getToken(reuseOn, token, { headers: { "Cache-Control": "no-cache" } });
    expect(fresh).toMatchObject({ status: 200, outcome: "bypass" });
    expect(decodeJwt(fresh.jwt!).jti).not.toBe(decodeJwt(first.jwt!).jti);
    expect(await getToken(reuseOn, token)).toMatchObject({ outcome: "hit", jwt: fresh.jwt });
  });

  it("makes exactly one Clerk call for 20 concurrent requests of one session, all answered with its token", async () => {
    const { token } = session(3);
    const { result, calls } = await countingClerkCalls(() =>
      Promise.all(Array.from({ length: 20 }, () => getToken(reuseOn, token))),
    );
    expect(calls).toBe(1);
    expect(result.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(new Set(result.map((r) => r.jwt)).size).toBe(1);
    // Several waited for that one call (on a busy machine the last may arrive after it, and hit).
    const outcomes = result.map((r) => r.outcome);
    expect(outcomes.filter((outcome) => outcome === "miss").length).toBeGreaterThan(1);
    expect(outcomes.every((outcome) => outcome === "miss" || outcome === "hit")).toBe(true);
  });

  it("never hands a session another session's token: 30 sessions asking at once, 3 times each", async () => {
    const asking = sessions.slice(10, 40);
    const requests = [...asking, ...asking, ...asking].sort(() => Math.random() - 0.5);
    const { result, calls } = await countingClerkCalls(() =>
      Promise.all(requests.map(async ({ token, userId }) => ({ userId, answer: await getToken(reuseOn, token) }))),
    );
    for (const { userId, answer } of result) {
      expect(answer.status).toBe(200);
      expect(decodeJwt(answer.jwt!).sub).toBe(userId);
    }
    expect(calls).toBe(asking.length);
  });

  it("stops serving a session's cached token as soon as its session token is rejected", async () => {
    const { token, sessionId, userId } = session(4);
    expect((await getToken(reuseOn, token)).status).toBe(200);
    const now = Math.floor(Date.now() / 1000);
    const expired = await signWithInstanceKey(
      emulator.privateJwk,
      sessionClaims(emulator.frontendApiHost, {
        sid: sessionId,
        sub: userId,
        iat: now - 120,
        nbf: now - 120,
        exp: now - 60,
      }),
    );
    expect(await getToken(reuseOn, expired)).toMatchObject({ status: 401, body: { code: "token_expired" } });
  });

  it("after Clerk revokes a session, serves its cached token only until a fresh call learns of it (the documented window)", async () => {
    const { token, sessionId } = session(5);
    const cached = await getToken(reuseOn, token);
    await revokeSession(emulator, sessionId);
    // The session token is still valid, so within its lifetime the cached token is still handed out.
    expect(await getToken(reuseOn, token)).toMatchObject({ status: 200, outcome: "hit", jwt: cached.jwt });
    const fresh = await getToken(reuseOn, token, { headers: { "Cache-Control": "no-cache" } });
    expect(fresh).toMatchObject({ status: 401, body: { code: "session_not_active" } });
    // That answer dropped the cached token.
    expect(await getToken(reuseOn, token)).toMatchObject({ status: 401, body: { code: "session_not_active" } });
  });
});

describe("TOKEN_CACHE=off (the documented pattern)", () => {
  it("calls Clerk for every request, concurrent ones included", async () => {
    const { token } = session(6);
    const { result, calls } = await countingClerkCalls(async () => [
      await getToken(reuseOff, token),
      await getToken(reuseOff, token),
      ...(await Promise.all(Array.from({ length: 5 }, () => getToken(reuseOff, token)))),
    ]);
    expect(calls).toBe(7);
    expect(result.every((r) => r.status === 200 && r.outcome === "bypass")).toBe(true);
    expect(new Set(result.map((r) => r.jwt)).size).toBe(7);
  });
});

describe("TOKEN_CACHE_MAX_ENTRIES=2", () => {
  it("keeps at most two tokens, dropping the least recently used", async () => {
    const [a, b, c] = [session(7).token, session(8).token, session(9).token];
    const outcomes = [];
    for (const token of [a, b, c, c, b, a]) outcomes.push((await getToken(twoEntries, token)).outcome);
    expect(outcomes).toEqual(["miss", "miss", "miss", "hit", "hit", "miss"]);
  });
});

describe("token reuse when Clerk fails", () => {
  it("shares one failed Clerk call with the requests waiting for it, and keeps no failure", async () => {
    // A 500, which the server does not retry: one failed call is one call at Clerk.
    emulator.setFaults({ errorRate: 1, errorStatuses: [500], times: 1, pathPattern: "^/v1/sessions/[^/]+/tokens/" });
    const failed = await countingClerkCalls(() =>
      Promise.all(Array.from({ length: 5 }, () => getToken(reuseOn, session(40).token))),
    );
    expect(failed.result.map((r) => r.status)).toEqual([502, 502, 502, 502, 502]);
    expect(failed.calls).toBe(1);

    const next = await countingClerkCalls(() => getToken(reuseOn, session(40).token));
    expect(next.result).toMatchObject({ status: 200, outcome: "miss" });
    expect(next.calls).toBe(1);
  });
});
