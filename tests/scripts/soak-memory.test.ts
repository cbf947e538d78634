import { describe, expect, it } from "vitest";
import { judgeMemory, median, robustSlope, type ProbeSample } from "../../scripts/soak-memory";

const MB = 1024 * 1024;
const SERVER_PID = 4242;
const LOAD_START_MS = 1_800_000_000_000;
const SAMPLE_EVERY_MS = 2000;

interface Shape {
  /** Each figure in MB at `seconds` after the load started. */
  heapMb(seconds: number): number;
  externalMb(seconds: number): number;
  rssMb(seconds: number): number;
}

/** A small, repeatable wobble, as requests in flight at each sample leave. */
const wobble = (seconds: number, amplitudeMb: number) => amplitudeMb * Math.sin(seconds * 1.7);

/** The server's steady state: heap and RSS ramp up in the first 10 s, then the heap after GC stays flat. */
const steady: Shape = {
  heapMb: (s) => Math.min(24, 18 + 0.6 * s) + wobble(s, 0.4),
  externalMb: (s) => 3 + wobble(s, 0.1),
  // Between full GCs RSS climbs by 60 MB and drops back: a sawtooth with a 9 s
  // period, at its foot 16 s in (the first sample once warm) and near its top at the end.
  rssMb: (s) => Math.min(120, 90 + 3 * s) + 60 * (((s + 2) % 9) / 9),
};

function samplesOf(shape: Shape, seconds = 60, pid = SERVER_PID): ProbeSample[] {
  const samples: ProbeSample[] = [];
  for (let ms = 0; ms <= seconds * 1000; ms += SAMPLE_EVERY_MS) {
    const s = ms / 1000;
    samples.push({
      pid,
      ppid: 1,
      startedAtMs: LOAD_START_MS - 5000,
      atMs: LOAD_START_MS + ms,
      rssBytes: shape.rssMb(s) * MB,
      heapUsedAfterGcBytes: shape.heapMb(s) * MB,
      externalAfterGcBytes: shape.externalMb(s) * MB,
      forcedGcMs: 20,
      loopDelayP99Ms: 12,
      unhandledRejections: 0,
      uncaughtExceptions: 0,
    });
  }
  return samples;
}

function judge(samples: ProbeSample[], seconds = 60) {
  return judgeMemory(samples, { serverPid: SERVER_PID, startMs: LOAD_START_MS, endMs: LOAD_START_MS + seconds * 1000 });
}

const failedChecks = (verdict: ReturnType<typeof judge>) =>
  verdict.checks.filter((check) => !check.passed).map((check) => check.name);

/** A steady climb from warm-up on, on top of the steady shape. */
const climbing = (mbPerMinute: number, figure: (s: number) => number) => (s: number) =>
  figure(s) + (mbPerMinute * Math.max(0, s - 10)) / 60;

describe("judgeMemory", () => {
  it("passes a flat heap after GC with RSS swinging 60 MB in a GC sawtooth", () => {
    const verdict = judge(samplesOf(steady));
    expect(failedChecks(verdict)).toEqual([]);
    expect(Math.abs(verdict.heapAfterGcMb.slopeMbPerMinute)).toBeLessThan(0.5);
    expect(verdict.rssMb.peak).toBeGreaterThan(verdict.rssMb.lastQuarterMedian + 20);
  });

  it("fails a heap after GC that climbs 3 MB a minute once warm", () => {
    const verdict = judge(samplesOf({ ...steady, heapMb: climbing(3, steady.heapMb) }));
    expect(failedChecks(verdict)).toEqual([expect.stringContaining("heap after GC")]);
    expect(verdict.heapAfterGcMb.slopeMbPerMinute).toBeCloseTo(3, 0);
  });

  it("fails external memory that climbs 3 MB a minute once warm", () => {
    const verdict = judge(samplesOf({ ...steady, externalMb: climbing(3, steady.externalMb) }));
    expect(failedChecks(verdict)).toEqual([expect.stringContaining("external memory")]);
  });

  it("fails RSS that climbs 100 MB a minute while the heap stays flat (a native leak)", () => {
    const verdict = judge(samplesOf({ ...steady, rssMb: climbing(100, steady.rssMb) }));
    expect(failedChecks(verdict)).toEqual([expect.stringContaining("RSS median")]);
    expect(verdict.rssMb.growth).toBeGreaterThan(40);
  });

  it("is not tilted by one sample taken mid-burst, even the last", () => {
    const samples = samplesOf(steady);
    samples.at(-1)!.heapUsedAfterGcBytes += 20 * MB;
    expect(failedChecks(judge(samples))).toEqual([]);
  });

  it("fails when any sample comes from a process other than the server", () => {
    const samples = [...samplesOf(steady), ...samplesOf(steady, 60, SERVER_PID + 1)];
    const verdict = judge(samples);
    expect(failedChecks(verdict)).toEqual([expect.stringContaining(`from the server (pid ${SERVER_PID})`)]);
    expect(verdict.samplesFromOtherProcesses).toBe(samples.length / 2);
  });

  it("fails rather than passes when there are no samples or too few once warm", () => {
    expect(failedChecks(judge([]))).toHaveLength(5);
    expect(failedChecks(judge(samplesOf(steady, 20), 20))).toEqual([
      expect.stringContaining("samples once warm"),
      expect.stringContaining("heap after GC"),
      expect.stringContaining("external memory"),
      expect.stringContaining("RSS median"),
    ]);
  });

  it("leaves out samples taken after the load ended", () => {
    const idleAfter = samplesOf({ heapMb: () => 60, externalMb: () => 30, rssMb: () => 400 }, 120).filter(
      (sample) => sample.atMs > LOAD_START_MS + 60_000,
    );
    expect(failedChecks(judge([...samplesOf(steady), ...idleAfter]))).toEqual([]);
  });
});

describe("robustSlope and median", () => {
  it("give the slope of a line and the middle of a list", () => {
    expect(robustSlope([0, 1, 2, 3].map((x) => ({ x, y: 2 * x + 1 })))).toBe(2);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
