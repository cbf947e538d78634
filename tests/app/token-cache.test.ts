import { describe, expect, it, vi } from "vitest";
import { reusableForMs, serverTimingOf, TemplateTokenCache } from "~/utils/tokens/cache.server";
import { unsignedToken } from "../../support/forge";

/**
 * The token cache on its own, with a clock the test moves and a stand-in for
 * the Clerk call (the cache is app code: it only sees a function that mints).
 */

const T0 = Date.UTC(2025, 0, 1);

class ManualClock {
  constructor(private ms = T0) {}
  now = () => this.ms;
  advance(ms: number) {
    this.ms += ms;
  }
}

/** A token issued at `iatMs` that lives `lifetimeSeconds`; decodable, like Clerk's. */
function tokenIssuedAt(iatMs: number, lifetimeSeconds: number, sub = "user_a"): string {
  const iat = Math.floor(iatMs / 1000);
  return unsignedToken(undefined, { sub, iat, exp: iat + lifetimeSeconds, jti: crypto.randomUUID() });
}

/** A mint the test settles by hand, counting its calls. */
function deferredMint() {
  const calls: Array<{ resolve: (jwt: string) => void; reject: (error: unknown) => void }> = [];
  const mint = vi.fn(() => new Promise<string>((resolve, reject) => calls.push({ resolve, reject })));
  return { mint, calls };
}

function cacheWith(
  clock: ManualClock,
  options: { enabled?: boolean; maxEntries?: number; forgetsTokenAfter?: (error: unknown) => boolean } = {},
) {
  return new TemplateTokenCache({
    enabled: options.enabled ?? true,
    maxEntries: options.maxEntries ?? 100,
    clock,
    forgetsTokenAfter: options.forgetsTokenAfter,
  });
}

describe("reusableForMs", () => {
  it.each([
    ["a 60 s token: 45 s, until 15 s (25 %) of its life would be left", 60, 45_000],
    ["a 300 s token: 225 s, until 75 s (25 %) would be left", 300, 225_000],
    ["a 30 s token: 20 s, until 10 s (the floor) would be left", 30, 20_000],
    ["a 10 s token: not at all", 10, 0],
  ])("%s", (_name, lifetimeSeconds, expected) => {
    expect(reusableForMs(tokenIssuedAt(T0, lifetimeSeconds))).toBe(expected);
  });

  it("reads the lifetime from the token, whatever its iat says about the local clock", () => {
    // Issued long ago by this server's clock: only exp − iat (300 s) counts.
    const iat = T0 / 1000 - 100_000;
    expect(reusableForMs(unsignedToken(undefined, { iat, exp: iat + 300 }))).toBe(225_000);
  });

  it.each([
    ["no exp", unsignedToken(undefined, { iat: T0 / 1000 })],
    ["no iat", unsignedToken(undefined, { exp: T0 / 1000 + 60 })],
    ["exp before iat", unsignedToken(undefined, { iat: T0 / 1000, exp: T0 / 1000 - 1 })],
    ["not a JWT", "not-a-jwt"],
  ])("is 0 for a token with %s", (_name, jwt) => {
    expect(reusableForMs(jwt)).toBe(0);
  });
});

describe("TemplateTokenCache", () => {
  it("calls Clerk once, then reuses the token", async () => {
    const clock = new ManualClock();
    const cache = cacheWith(clock);
    const jwt = tokenIssuedAt(T0, 60);
    const mint = vi.fn(async () => jwt);

    expect(await cache.lookup("k", mint)).toMatchObject({ jwt, outcome: "miss", clerkMs: expect.any(Number) });
    expect(await cache.lookup("k", mint)).toEqual({ jwt, outcome: "hit" });
    expect(mint).toHaveBeenCalledTimes(1);
  });

  it("keeps each key's token apart", async () => {
    const cache = cacheWith(new ManualClock());
    const a = tokenIssuedAt(T0, 60, "user_a");
    const b = tokenIssuedAt(T0, 60, "user_b");
    await cache.lookup("a", async () => a);
    await cache.lookup("b", async () => b);
    expect((await cache.lookup("a", async () => b)).jwt).toBe(a);
    expect((await cache.lookup("b", async () => a)).jwt).toBe(b);
  });

  it("serves a token while it keeps max(10 s, 25 %) of its life, and not one millisecond longer", async () => {
    const clock = new ManualClock();
    const cache = cacheWith(clock);
    const first = tokenIssuedAt(T0, 60);
    await cache.lookup("k", async () => first);

    clock.advance(45_000); // exactly 15 s (25 % of 60 s) left
    expect(await cache.lookup("k", async () => "unused")).toEqual({ jwt: first, outcome: "hit" });

    clock.advance(1);
    const second = tokenIssuedAt(clock.now(), 60);
    expect(await cache.lookup("k", async () => second)).toMatchObject({ jwt: second, outcome: "miss" });
  });

  it("counts the reuse window from the token's receipt, even with this server's clock 30 s behind Clerk's", async () => {
    const clock = new ManualClock();
    const cache = cacheWith(clock);
    // Clerk's clock reads T0 + 30 s when it mints a 60 s token; ours reads T0.
    const first = tokenIssuedAt(T0 + 30_000, 60);
    await cache.lookup("k", async () => first);

    clock.advance(45_000); // 45 s after receipt: 15 s of the token's life left
    expect(await cache.lookup("k", async () => "unused")).toEqual({ jwt: first, outcome: "hit" });

    clock.advance(1);
    const second = tokenIssuedAt(clock.now() + 30_000, 60);
    expect(await cache.lookup("k", async () => second)).toMatchObject({ jwt: second, outcome: "miss" });
  });

  it("hands out but never keeps a token too short-lived to reuse", async () => {
    const clock = new ManualClock();
    const cache = cacheWith(clock);
    const mint = vi.fn(async () => tokenIssuedAt(T0, 10)); // 10 s of life, 10 s must remain
    expect((await cache.lookup("k", mint)).outcome).toBe("miss");
    expect((await cache.lookup("k", mint)).outcome).toBe("miss");
    expect(mint).toHaveBeenCalledTimes(2);
    expect(cache.size).toBe(0);
  });

  it("makes one Clerk call for concurrent misses of the same key, and all share its token", async () => {
    const cache = cacheWith(new ManualClock());
    const { mint, calls } = deferredMint();
    const lookups = Array.from({ length: 20 }, () => cache.lookup("k", mint));
    const jwt = tokenIssuedAt(T0, 60);
    calls[0]!.resolve(jwt);

    const results = await Promise.all(lookups);
    expect(mint).toHaveBeenCalledTimes(1);
    expect(new Set(results.map((result) => result.jwt))).toEqual(new Set([jwt]));
    expect(results.every((result) => result.outcome === "miss")).toBe(true);
  });

  it("shares a failed call's error with every waiter and keeps nothing: the next lookup calls again", async () => {
    const cache = cacheWith(new ManualClock());
    const { mint, calls } = deferredMint();
    const lookups = Array.from({ length: 5 }, () => cache.lookup("k", mint));
    const failure = new Error("Clerk is down");
    calls[0]!.reject(failure);

    const settled = await Promise.allSettled(lookups);
    expect(settled.map((result) => (result.status === "rejected" ? result.reason : result))).toEqual(
      Array(5).fill(failure),
    );
    expect(mint).toHaveBeenCalledTimes(1);

    const next = cache.lookup("k", mint);
    expect(mint).toHaveBeenCalledTimes(2);
    calls[1]!.resolve(tokenIssuedAt(T0, 60));
    expect((await next).outcome).toBe("miss");
  });

  it("calls Clerk for a fresh lookup and keeps the new token for the next ones", async () => {
    const cache = cacheWith(new ManualClock());
    const old = tokenIssuedAt(T0, 60);
    const renewed = tokenIssuedAt(T0, 60);
    await cache.lookup("k", async () => old);

    expect(await cache.lookup("k", async () => renewed, { fresh: true })).toMatchObject({
      jwt: renewed,
      outcome: "bypass",
    });
    expect(await cache.lookup("k", async () => "unused")).toEqual({ jwt: renewed, outcome: "hit" });
  });

  it("starts its own Clerk call for a fresh lookup instead of joining one already under way", async () => {
    const cache = cacheWith(new ManualClock());
    const { mint, calls } = deferredMint();
    const earlier = cache.lookup("k", mint);
    const fresh = cache.lookup("k", mint, { fresh: true });
    expect(mint).toHaveBeenCalledTimes(2);

    const renewed = tokenIssuedAt(T0, 60);
    calls[1]!.resolve(renewed);
    expect(await fresh).toMatchObject({ jwt: renewed, outcome: "bypass" });
    // The earlier call, begun before the fresh one, settles last: its token is not kept.
    calls[0]!.resolve(tokenIssuedAt(T0, 60));
    await earlier;
    expect(await cache.lookup("k", async () => "unused")).toEqual({ jwt: renewed, outcome: "hit" });
  });

  it("answers a burst of fresh lookups with two calls, each begun after the lookups it answers", async () => {
    const cache = cacheWith(new ManualClock());
    const { mint, calls } = deferredMint();
    const first = cache.lookup("k", mint, { fresh: true });
    const burst = Array.from({ length: 19 }, () => cache.lookup("k", mint, { fresh: true }));
    expect(mint).toHaveBeenCalledTimes(1);

    const firstToken = tokenIssuedAt(T0, 60);
    calls[0]!.resolve(firstToken);
    expect(await first).toMatchObject({ jwt: firstToken, outcome: "bypass" });
    // The burst came while that call ran, which may predate a revocation: one more call, started after it, for all.
    await expect.poll(() => mint.mock.calls.length).toBe(2);
    const trailing = tokenIssuedAt(T0, 60);
    calls[1]!.resolve(trailing);
    expect((await Promise.all(burst)).map((lookup) => lookup.jwt)).toEqual(Array(19).fill(trailing));
    expect(mint).toHaveBeenCalledTimes(2);
  });

  it("drops the kept token when a fresh call fails (Clerk may have ended the session)", async () => {
    const cache = cacheWith(new ManualClock());
    await cache.lookup("k", async () => tokenIssuedAt(T0, 60));
    await expect(cache.lookup("k", () => Promise.reject(new Error("session gone")), { fresh: true })).rejects.toThrow();
    const after = tokenIssuedAt(T0, 60);
    expect(await cache.lookup("k", async () => after)).toMatchObject({ jwt: after, outcome: "miss" });
  });

  it("keeps the kept token when a fresh call fails in a way that says nothing about it (a rate limit)", async () => {
    const rateLimited = new Error("rate limited");
    const cache = cacheWith(new ManualClock(), { forgetsTokenAfter: (error) => error !== rateLimited });
    const kept = tokenIssuedAt(T0, 60);
    await cache.lookup("k", async () => kept);
    await expect(cache.lookup("k", () => Promise.reject(rateLimited), { fresh: true })).rejects.toBe(rateLimited);
    expect(await cache.lookup("k", async () => "unused")).toEqual({ jwt: kept, outcome: "hit" });
    await expect(cache.lookup("k", () => Promise.reject(new Error("session gone")), { fresh: true })).rejects.toThrow();
    expect(cache.size).toBe(0);
  });

  it("when disabled, calls Clerk for every lookup, even concurrent ones, and keeps nothing", async () => {
    const cache = cacheWith(new ManualClock(), { enabled: false });
    const mint = vi.fn(async () => tokenIssuedAt(T0, 60));
    const results = await Promise.all(Array.from({ length: 5 }, () => cache.lookup("k", mint)));
    expect(mint).toHaveBeenCalledTimes(5);
    expect(results.every((result) => result.outcome === "bypass")).toBe(true);
    expect(cache.size).toBe(0);
  });

  it("never keeps more than maxEntries tokens (1000 entries, 5000 sessions at once), dropping the least recently used", async () => {
    const cache = cacheWith(new ManualClock(), { maxEntries: 1000 });
    const jwt = tokenIssuedAt(T0, 60);
    let largest = 0;
    await Promise.all(
      Array.from({ length: 5000 }, async (_, i) => {
        await cache.lookup(`sess_${i}`, async () => jwt);
        largest = Math.max(largest, cache.size);
      }),
    );
    expect(largest).toBe(1000);
    expect((await cache.lookup("sess_4999", async () => jwt)).outcome).toBe("hit");
    expect((await cache.lookup("sess_0", async () => jwt)).outcome).toBe("miss");
  });
});

describe("serverTimingOf", () => {
  it("names the outcome, and the Clerk call's duration when there was one", () => {
    expect(serverTimingOf({ jwt: "a.b.c", outcome: "hit" })).toBe('cache;desc="hit"');
    expect(serverTimingOf({ jwt: "a.b.c", outcome: "miss", clerkMs: 51.234 })).toBe(
      'cache;desc="miss", clerk;dur=51.2',
    );
  });
});
