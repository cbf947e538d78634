import type { JSONWebKeySet } from "jose";
import { describe, expect, it } from "vitest";
import { JwksCache } from "~/utils/tokens/jwks-cache.server";

/** Stands in for GET /v1/jwks: counts the fetches and answers with the instance's current keys. */
function instance(...kids: string[]) {
  const state = { kids, fetches: 0, ms: 0 };
  const fetchKeys = async (): Promise<JSONWebKeySet> => {
    state.fetches++;
    await new Promise((resolve) => setTimeout(resolve, 5));
    return { keys: state.kids.map((kid) => ({ kty: "RSA", kid })) };
  };
  return { state, cache: new JwksCache(fetchKeys, () => state.ms) };
}

const kidsOf = (keys: JSONWebKeySet) => keys.keys.map((key) => key.kid);

describe("JwksCache", () => {
  it("lets concurrent checks share one fetch, and keeps the keys five minutes", async () => {
    const { state, cache } = instance("ins_1");
    await Promise.all(Array.from({ length: 5 }, () => cache.keysFor("ins_1")));
    expect(state.fetches).toBe(1);
    state.ms += 4 * 60 * 1000;
    await cache.keysFor("ins_1");
    expect(state.fetches).toBe(1);
    state.ms += 2 * 60 * 1000;
    await Promise.all([cache.keysFor("ins_1"), cache.keysFor("ins_1")]);
    expect(state.fetches).toBe(2);
  });

  it("looks for a key id it does not know once more, at most every 30 s, and finds a rotated key", async () => {
    const { state, cache } = instance("ins_1");
    await cache.keysFor("ins_1");
    state.kids = ["ins_1", "ins_2"];
    state.ms += 10_000;
    expect(kidsOf(await cache.keysFor("ins_2"))).toEqual(["ins_1"]);
    expect(state.fetches).toBe(1);

    state.ms += 25_000;
    expect(kidsOf(await cache.keysFor("ins_2"))).toEqual(["ins_1", "ins_2"]);
    expect(state.fetches).toBe(2);

    // A template's own key is never the instance's: asking again within 30 s costs no fetch.
    await Promise.all([cache.keysFor("own"), cache.keysFor("own")]);
    state.ms += 10_000;
    await cache.keysFor("own");
    expect(state.fetches).toBe(2);
  });
});
