import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppServer, type AppServer } from "../../support/app-server";
import { appEnvFor, mintSessionToken } from "../../support/clerk-env";
import { startTestEmulator, type TestEmulator } from "../support/emulator";

/**
 * One user cannot spend everyone's Clerk rate limit (issue 21 item 5). Clerk here allows 20 token
 * calls per 10 s for the whole instance, and the app is told so (CLERK_RATE_LIMIT): each user's
 * share is 10 %, 2 calls per 10 s, and a request past it is answered before Clerk is called.
 */

const TOKEN_CALL = /^POST \/v1\/sessions\/[^/]+\/tokens\//;

let emulator: TestEmulator;
let app: AppServer;
const clerkCalls: string[] = [];
const tokens = { alice: "", bob: "" };

beforeAll(async () => {
  emulator = await startTestEmulator({
    faults: { rateLimit: { requests: 20, windowSeconds: 10 }, pathPattern: "^/v1/sessions/[^/]+/tokens" },
    log: (line) => clerkCalls.push(line),
  });
  app = await startAppServer(appEnvFor(emulator, { CLERK_RATE_LIMIT: "20/10s" }));
  tokens.alice = await mintSessionToken(emulator, "sess_seed_alice");
  tokens.bob = await mintSessionToken(emulator, "sess_seed_bob");
});

afterAll(async () => {
  await app?.stop();
  await emulator?.stop();
});

function ask(who: keyof typeof tokens, headers: Record<string, string> = {}) {
  return fetch(`${app.url}/api/get-token-example`, { headers: { Authorization: `Bearer ${tokens[who]}`, ...headers } });
}

const tokenCallsSince = (start: number) => clerkCalls.slice(start).filter((line) => TOKEN_CALL.test(line));

describe("each user's share of Clerk's rate limit", () => {
  it("leaves another user's first request a 200 after 25 no-cache requests from one user", async () => {
    const start = clerkCalls.length;
    const answers: Response[] = [];
    for (let request = 0; request < 25; request += 1) answers.push(await ask("bob", { "Cache-Control": "no-cache" }));
    const alice = await ask("alice");
    expect(alice.status).toBe(200);

    expect(answers.map((answer) => answer.status)).toEqual([200, 200, ...Array(23).fill(429)]);
    const refused = answers[2]!;
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(5);
    expect(await refused.json()).toMatchObject({
      code: "user_rate_limited",
      message: expect.stringContaining("(2 per 10 s per user), so Clerk was not called"),
    });
    // Refused before the call: Clerk saw Bob's two, and Alice's one.
    expect(tokenCallsSince(start)).toHaveLength(3);
  });

  it("charges only real Clerk calls: Bob's reused token is still served, at no cost", async () => {
    const start = clerkCalls.length;
    const reused = await ask("bob");
    expect(reused.status).toBe(200);
    expect(reused.headers.get("server-timing")).toMatch(/^cache;desc="hit"/);
    expect(tokenCallsSince(start)).toEqual([]);
  });
});
