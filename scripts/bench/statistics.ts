import type { Run } from "./load";

/** The value at `share` (0…1) of the way through the sorted values, interpolated between neighbours. */
export function percentile(values: number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * share;
  const below = sorted[Math.floor(position)] ?? NaN;
  const above = sorted[Math.ceil(position)] ?? NaN;
  return below + (above - below) * (position - Math.floor(position));
}

/** Runs of one scenario taken together. Clerk calls per 1000 requests count every request sent. */
export function summarize(runs: Run[]) {
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
export type Summary = ReturnType<typeof summarize>;

export const throughputOf = (run: Run) => run.answered / run.seconds;

/**
 * a's throughput ÷ b's over the rounds, each pair run back to back: the
 * median, and the quartiles, which show how much the machine's speed moved.
 */
export function pairedThroughputRatio(a: Run[], b: Run[]) {
  const ratios = a.map((run, round) => throughputOf(run) / throughputOf(b[round]!));
  return {
    median: percentile(ratios, 0.5),
    lowerQuartile: percentile(ratios, 0.25),
    upperQuartile: percentile(ratios, 0.75),
  };
}
export type ThroughputRatio = ReturnType<typeof pairedThroughputRatio>;
