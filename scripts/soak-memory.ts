/**
 * Judges whether the app server's memory stays flat under `npm run soak`,
 * from the samples scripts/soak-probe.ts takes inside the server. Pure: no I/O,
 * so tests can feed it synthetic series.
 */

/** One `SOAK_PROBE` line: what the server measured about itself at `atMs` (epoch ms). */
export interface ProbeSample {
  /** The process that took the sample: must be the server's (or with `--fleet`, its primary's or a worker's). */
  pid: number;
  /** Its parent: a worker's is the primary. */
  ppid: number;
  /** When that process started (epoch ms): a replacement worker's memory is judged from its own start. */
  startedAtMs: number;
  atMs: number;
  /** Taken before the forced GC: what the process holds while serving. */
  rssBytes: number;
  /** Taken right after a forced full GC, so garbage waiting for collection does not count. */
  heapUsedAfterGcBytes: number;
  externalAfterGcBytes: number;
  /** How long the forced GC paused the server. */
  forcedGcMs: number;
  loopDelayP99Ms: number;
  unhandledRejections: number;
  uncaughtExceptions: number;
}

/**
 * Load has run this long before growth is judged. By then every request kind
 * has been sent many times over (each connection cycles the whole mix), so the
 * token cache, the JIT and V8's heap have reached their steady size; what
 * grows after that is what a leak would grow.
 */
export const WARM_AFTER_MS = 15_000;

/** A forced full GC pauses the server for 15–100 ms on this 2-core machine: every 2 s keeps that to a few %. */
export const SAMPLE_INTERVAL_MS = 2000;

/**
 * Heap in use after a full GC is what live objects hold. On the shared 2-core
 * machine it moved 0.1–1.3 MB a minute once warm in 60 s runs (the 1.3: one
 * 0.7 MB step 40 s in, level after) and 0.2 MB a minute over 180 s. 2 MB a
 * minute is above that, and what keeping ~120 bytes per request would grow at
 * the soak's ~300 requests a second.
 */
export const MAX_HEAP_AFTER_GC_SLOPE_MB_PER_MINUTE = 2;

/** External memory (Buffers, ArrayBuffers) after a full GC holds at ~3 MB within 0.1 MB: 1 MB a minute is a leak. */
export const MAX_EXTERNAL_SLOPE_MB_PER_MINUTE = 1;

/**
 * RSS swings by tens of MB with V8's and the allocator's timing, so it is
 * compared window against window: the median of the load's last quarter
 * against its second quarter (which starts once warm at the default 60 s). It
 * catches native growth the heap figures cannot see. The medians moved 2–17 MB
 * in 60 s runs and 16 MB in a 180 s run; 40 MB is over twice that and still
 * fails native growth of 80 MB a minute or more at the default 60 s.
 */
export const MAX_RSS_WINDOW_GROWTH_MB = 40;

/** Fewer samples than this after warm-up cannot tell a slope from noise. */
export const MIN_WARM_SAMPLES = 10;

const BYTES_PER_MB = 1024 * 1024;
const MS_PER_MINUTE = 60_000;

export interface LoadWindow {
  /** The pid of the server process the soak started. */
  serverPid: number;
  startMs: number;
  endMs: number;
}

export interface MemoryCheck {
  name: string;
  passed: boolean;
}

export interface MemoryVerdict {
  serverPid: number;
  samples: number;
  samplesFromOtherProcesses: number;
  warmSamples: number;
  heapAfterGcMb: { warm: number; end: number; slopeMbPerMinute: number };
  externalAfterGcMb: { warm: number; end: number; slopeMbPerMinute: number };
  rssMb: { secondQuarterMedian: number; lastQuarterMedian: number; growth: number; peak: number };
  checks: MemoryCheck[];
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Theil–Sen slope: the median of the slopes between every pair of points.
 * Unlike a least-squares fit, one sample taken mid-burst cannot tilt it.
 */
export function robustSlope(points: Array<{ x: number; y: number }>): number {
  const slopes: number[] = [];
  points.forEach((a, i) => {
    for (const b of points.slice(i + 1)) if (b.x !== a.x) slopes.push((b.y - a.y) / (b.x - a.x));
  });
  return median(slopes);
}

const toMb = (bytes: number) => Number((bytes / BYTES_PER_MB).toFixed(1));

/** MB per minute at which `valueOf` grows over `samples`. */
function growthPerMinute(samples: ProbeSample[], valueOf: (sample: ProbeSample) => number): number {
  const slope = robustSlope(samples.map((sample) => ({ x: sample.atMs, y: valueOf(sample) })));
  return Number(((slope * MS_PER_MINUTE) / BYTES_PER_MB).toFixed(2));
}

function between(samples: ProbeSample[], fromMs: number, toMs: number): ProbeSample[] {
  return samples.filter((sample) => sample.atMs >= fromMs && sample.atMs <= toMs);
}

/** One process's memory over one load: its figures and the growth checks. */
export type GrowthVerdict = Omit<MemoryVerdict, "samples" | "samplesFromOtherProcesses">;

/** The figures and growth checks for the process `load.serverPid`, from its own samples (`fromProcess`). */
export function judgeGrowth(fromProcess: ProbeSample[], load: LoadWindow): GrowthVerdict {
  const underLoad = between(fromProcess, load.startMs, load.endMs);
  const warm = between(underLoad, load.startMs + WARM_AFTER_MS, load.endMs);
  const quarter = (load.endMs - load.startMs) / 4;
  const rssOf = (samples: ProbeSample[]) => samples.map((sample) => sample.rssBytes);
  const secondQuarterRss = median(rssOf(between(underLoad, load.startMs + quarter, load.startMs + 2 * quarter)));
  const lastQuarterRss = median(rssOf(between(underLoad, load.endMs - quarter, load.endMs)));
  const rssGrowth = lastQuarterRss - secondQuarterRss;

  const heapSlope = growthPerMinute(warm, (sample) => sample.heapUsedAfterGcBytes);
  const externalSlope = growthPerMinute(warm, (sample) => sample.externalAfterGcBytes);
  const enoughSamples = warm.length >= MIN_WARM_SAMPLES;

  return {
    serverPid: load.serverPid,
    warmSamples: warm.length,
    heapAfterGcMb: {
      warm: toMb(warm[0]?.heapUsedAfterGcBytes ?? Number.NaN),
      end: toMb(warm.at(-1)?.heapUsedAfterGcBytes ?? Number.NaN),
      slopeMbPerMinute: heapSlope,
    },
    externalAfterGcMb: {
      warm: toMb(warm[0]?.externalAfterGcBytes ?? Number.NaN),
      end: toMb(warm.at(-1)?.externalAfterGcBytes ?? Number.NaN),
      slopeMbPerMinute: externalSlope,
    },
    rssMb: {
      secondQuarterMedian: toMb(secondQuarterRss),
      lastQuarterMedian: toMb(lastQuarterRss),
      growth: toMb(rssGrowth),
      peak: toMb(Math.max(...rssOf(underLoad))),
    },
    checks: [
      { name: `at least ${MIN_WARM_SAMPLES} samples once warm`, passed: enoughSamples },
      {
        name: `heap after GC grows < ${MAX_HEAP_AFTER_GC_SLOPE_MB_PER_MINUTE} MB/min once warm`,
        passed: enoughSamples && heapSlope < MAX_HEAP_AFTER_GC_SLOPE_MB_PER_MINUTE,
      },
      {
        name: `external memory grows < ${MAX_EXTERNAL_SLOPE_MB_PER_MINUTE} MB/min once warm`,
        passed: enoughSamples && externalSlope < MAX_EXTERNAL_SLOPE_MB_PER_MINUTE,
      },
      {
        name: `RSS median, last quarter vs second quarter, grows < ${MAX_RSS_WINDOW_GROWTH_MB} MB`,
        passed: enoughSamples && rssGrowth < MAX_RSS_WINDOW_GROWTH_MB * BYTES_PER_MB,
      },
    ],
  };
}

/** The figures and pass/fail checks for the server's memory over one soak's load. */
export function judgeMemory(allSamples: ProbeSample[], load: LoadWindow): MemoryVerdict {
  const fromServer = allSamples.filter((sample) => sample.pid === load.serverPid);
  const growth = judgeGrowth(fromServer, load);
  const samplesFromOtherProcesses = allSamples.length - fromServer.length;
  return {
    ...growth,
    samples: allSamples.length,
    samplesFromOtherProcesses,
    checks: [
      {
        name: `every memory sample comes from the server (pid ${load.serverPid})`,
        passed: allSamples.length > 0 && samplesFromOtherProcesses === 0,
      },
      ...growth.checks,
    ],
  };
}
