import { createClient } from "redis";

/**
 * The connection to Redis, and whether to use it right now. Redis is never
 * the reason for an error: every command is given what is left of a small
 * budget (REDIS_TIMEOUT_MS), after which its request carries on without
 * Redis. A connection error, or several late answers in a row, mark Redis
 * down: until a background PING answers again, requests skip it entirely.
 * One log line when sharing stops and one when it resumes. A Redis older than
 * 7.0 (no PEXPIRE NX/GT) is never used: the first connection says so, once.
 */

type Client = ReturnType<typeof createClient>;

/** Redis could not be used for this request: the caller carries on without it. */
export class RedisUnavailable extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "RedisUnavailable";
  }
}

/** The app's pub/sub channel: finished Clerk calls and revocations, sealed. */
export const CHANNEL = "rct:events";
const PROBE_INTERVAL_MS = 500;
const PROBE_TIMEOUT_MS = 1000;
const MAX_RECONNECT_DELAY_MS = 1000;
const LATE_ANSWERS_BEFORE_DOWN = 3;
const BACKGROUND_BUDGET_MS = 1000;
const OLDEST_MAJOR_VERSION = 7;

function log(message: string) {
  console.error(`[redis] ${message}`);
}

/** host:port only: a URL's password must never reach a log. */
function describeUrl(url: string): string {
  const { host } = new URL(url);
  return host;
}

function clientFor(url: string, options: { offlineQueue: boolean }): Client {
  return createClient({
    url,
    // While disconnected, commands fail at once instead of queueing behind the outage.
    disableOfflineQueue: !options.offlineQueue,
    socket: {
      connectTimeout: PROBE_TIMEOUT_MS,
      reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, MAX_RECONNECT_DELAY_MS),
    },
  });
}

export class RedisLink {
  private readonly client: Client;
  private readonly subscriber: Client;
  private down: string | undefined = "not connected yet";
  private probing: NodeJS.Timeout | undefined;
  private everUp = false;
  private unsupported = false;
  private lateAnswers = 0;

  /** @param onMessage receives every message published on the app's channel, by any process. */
  constructor(
    private readonly url: string,
    readonly budgetMs: number,
    onMessage: (message: string) => void,
  ) {
    this.client = clientFor(url, { offlineQueue: false });
    // Subscriptions are queued while offline and renewed on every reconnection.
    this.subscriber = clientFor(url, { offlineQueue: true });
    for (const client of [this.client, this.subscriber]) {
      client.on("error", (error: Error) => this.markDown(error.message || error.name));
      client.on("ready", () => this.probeSoon(0));
    }
    void this.client.connect().catch(() => {});
    void this.subscriber
      .connect()
      .then(() => this.subscriber.subscribe(CHANNEL, onMessage))
      .catch(() => {});
  }

  /** Whether requests use Redis right now. */
  get isUp(): boolean {
    return this.down === undefined;
  }

  /** Whether this Redis is too old to share through: nothing is kept in it, nothing is sent to it. */
  get isUnsupported(): boolean {
    return this.unsupported;
  }

  /** A deadline for one request's Redis work: now plus the budget. */
  deadline(): number {
    return performance.now() + this.budgetMs;
  }

  /** A deadline for writes no request waits for (storing, announcing): late ones only delay sharing. */
  backgroundDeadline(): number {
    return performance.now() + BACKGROUND_BUDGET_MS;
  }

  /**
   * Runs one command (or pipeline) before `deadline`. Throws RedisUnavailable when
   * Redis is down, fails, or would make the request wait past the deadline.
   */
  async run<T>(deadline: number, command: (client: Client) => Promise<T>): Promise<T> {
    if (this.down !== undefined) throw new RedisUnavailable(this.down);
    const remaining = deadline - performance.now();
    if (remaining <= 0) throw new RedisUnavailable("no time left in the budget");
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      // Judged after the event loop's I/O phase: a reply that arrived while this process was
      // busy is read first, so a slow process is not taken for a slow Redis.
      const giveUp = () => reject(new RedisUnavailable(`no answer within ${this.budgetMs} ms`));
      timer = setTimeout(() => setImmediate(giveUp), remaining);
    });
    try {
      const result = await Promise.race([command(this.client), timeout]);
      this.lateAnswers = 0;
      return result;
    } catch (error) {
      if (error instanceof RedisUnavailable) {
        // One late answer may be a busy machine: that request carries on without Redis.
        // Several in a row, and requests stop asking until Redis answers a PING again.
        if ((this.lateAnswers += 1) >= LATE_ANSWERS_BEFORE_DOWN) this.markDown(error.message);
        throw error;
      }
      const reason = error instanceof Error ? error.message || error.name : String(error);
      this.markDown(reason);
      throw new RedisUnavailable(reason);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Publishes on the app's channel to every process, this one included. */
  publish(deadline: number, message: string): Promise<number> {
    return this.run(deadline, (client) => client.publish(CHANNEL, message));
  }

  private markDown(reason: string) {
    if (this.down === undefined) {
      this.down = reason;
      log(`Sharing stopped (${reason}): each process reuses its own tokens until Redis answers again.`);
    }
    this.probeSoon(PROBE_INTERVAL_MS);
  }

  private probeSoon(delayMs: number) {
    if (this.probing || this.unsupported) return;
    this.probing = setTimeout(() => void this.probe(), delayMs);
    this.probing.unref();
  }

  /** Back up once both connections are ready and a PING answers in time. */
  private async probe() {
    let ok = false;
    if (this.client.isReady && this.subscriber.isReady) {
      ok = await withinProbeTimeout(
        this.client.ping().then(() => true),
        false,
      );
      // Once, before sharing first starts; while this.probing is set, so that no other probe asks too.
      if (ok && !this.everUp && !(await this.versionSupported())) return;
    }
    this.probing = undefined;
    if (!ok) return this.probeSoon(PROBE_INTERVAL_MS);
    if (this.down === undefined) return;
    this.down = undefined;
    this.lateAnswers = 0;
    log(
      this.everUp
        ? "Sharing resumed: Redis answers again."
        : `Sharing template tokens through Redis at ${describeUrl(this.url)}.`,
    );
    this.everUp = true;
  }

  /**
   * Sharing needs PEXPIRE NX/GT (Redis 7.0): on an older server its transactions would
   * fail, so it is not used at all. A server that does not say its version is tried.
   */
  private async versionSupported(): Promise<boolean> {
    const info = await withinProbeTimeout(this.client.info("server"), "");
    const version = /^redis_version:((\d+)\.\S*)/m.exec(info);
    if (!version || Number(version[2]) >= OLDEST_MAJOR_VERSION) return true;
    this.unsupported = true;
    this.down = `Redis ${version[1]} is older than ${OLDEST_MAJOR_VERSION}.0`;
    log(
      `REDIS_URL names Redis ${version[1]} at ${describeUrl(this.url)}; sharing template tokens needs Redis ` +
        `${OLDEST_MAJOR_VERSION}.0 or later: upgrade it, or unset REDIS_URL. Each process reuses its own tokens.`,
    );
    this.client.destroy();
    this.subscriber.destroy();
    return false;
  }
}

/** The command's answer, or `fallback` when it fails or takes longer than a probe may. */
async function withinProbeTimeout<T>(command: Promise<T>, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), PROBE_TIMEOUT_MS)));
  try {
    return await Promise.race([command.catch(() => fallback), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
