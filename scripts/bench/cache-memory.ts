import { randomBytes } from "node:crypto";
import { TemplateTokenCache, type Clock } from "../../app/utils/tokens/cache.server";

export const MEMORY_SAMPLE_ENTRIES = 10_000;
export const BOUND = { maxEntries: 1000, sessions: 5000 };

/** Heap bytes per cached token, tokens and keys shaped like real ones, measured in this process. */
export async function memoryPerCachedToken(sampleJwt: string, clock: Clock): Promise<number> {
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
export async function largestEntryCount(sampleJwt: string, clock: Clock): Promise<number> {
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
