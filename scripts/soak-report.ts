/** How `npm run soak` prints its figures: one process's memory, the Clerk calls, and the checks. */
import type { GrowthVerdict } from "./soak-memory";
import type { clerkCallFigures } from "./soak-mix";

export function printMemory(label: string, samples: number, memory: Omit<GrowthVerdict, "checks">) {
  const { heapAfterGcMb: heap, externalAfterGcMb: external, rssMb: rss } = memory;
  console.log(`${label} pid ${memory.serverPid}: ${samples} samples, ${memory.warmSamples} once warm`);
  console.log(
    `  Heap after full GC MB: warm ${heap.warm}, end ${heap.end} (${heap.slopeMbPerMinute} MB/min); ` +
      `external MB: warm ${external.warm}, end ${external.end} (${external.slopeMbPerMinute} MB/min)`,
  );
  console.log(
    `  RSS MB: median ${rss.secondQuarterMedian} in the second quarter, ${rss.lastQuarterMedian} in the last ` +
      `(growth ${rss.growth}); peak ${rss.peak}`,
  );
}

export function printClerkCalls(calls: ReturnType<typeof clerkCallFigures>) {
  const { reuseOnly } = calls;
  console.log(
    `Clerk template-token calls (at the emulator): ${calls.calls} for ${calls.sessions} sessions, ` +
      `${calls.callsPerSession} per session; by Clerk's answer ${JSON.stringify(calls.byStatus)}`,
  );
  console.log(
    `  Sessions that only reuse: ${reuseOnly.tokensMinted} tokens minted over ${reuseOnly.windows} session-template ` +
      `reuse windows = ${reuseOnly.mintedPerSessionTemplateWindow} per window (1 = one Clerk call per window)`,
  );
}

export function printChecks(checks: Array<[string, boolean]>) {
  for (const [name, passed] of checks) console.log(`${passed ? "PASS" : "FAIL"}  ${name}`);
}
