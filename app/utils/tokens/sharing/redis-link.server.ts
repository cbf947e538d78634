import { RedisConnection, type Client } from "./redis-connection.server";

/**
 * The connections to Redis (commands, and the subscriber), and whether to use
 * them right now. Redis is never the reason for an error, and slow is not
 * down (decision 021):
 *
 * - Down: a connection that fails, is not ready, or leaves a health-check PING
 *   unanswered for HEALTH_CHECK_TIMEOUT_MS (it is then replaced). Requests
 *   waiting on it carry on without Redis at once, and the next ones skip
 *   Redis until both connections are ready and a PING answers.
 * - Late: a request waits for a connected Redis. A reply later than
 *   REDIS_TIMEOUT_MS makes the process check Redis's health at once, so a
 *   request waits at most REDIS_TIMEOUT_MS + HEALTH_CHECK_TIMEOUT_MS.
 *
 * One log line when sharing stops and one when it resumes. A Redis older than
 * 7.0 (no PEXPIRE NX/GT) is never used: the first connection says so, once.
 */

/** Redis could not be used for this request: the caller carries on without it. */
export class RedisUnavailable extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "RedisUnavailable";
  }
}

/** The app's pub/sub channel: finished Clerk calls and revocations, sealed. */
export const CHANNEL = "rct:events";
/** While sharing: how often each connection is asked for a PING, and how long it has to answer. */
export const HEALTH_CHECK_INTERVAL_MS = 1000;
export const HEALTH_CHECK_TIMEOUT_MS = 1000;
/** While not sharing: how often to try again. */
const PROBE_INTERVAL_MS = 500;
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

export interface LinkEvents {
  /** Every message published on the app's channel, by any process. */
  onMessage(message: string): void;
  /** The subscriber stopped listening: messages published from now until it is back are lost. */
  onEventsLost(): void;
}

/** What the logs say is shared, and what each process does without Redis. */
export interface LinkPurpose {
  shared: string;
  without: string;
}

const SHARING_TOKENS: LinkPurpose = { shared: "template tokens", without: "reuses its own tokens" };

export class RedisLink {
  private readonly commands: RedisConnection;
  private readonly events: RedisConnection;
  private down: string | undefined = "not connected yet";
  private checkTimer: NodeJS.Timeout | undefined;
  private checkDueAt = Infinity;
  private checking = false;
  private checkAgain = false;
  private everUp = false;
  private unsupported = false;
  private closed = false;
  // Settles when this process's first connection is made, fails, or is as late as a reply may be.
  private readonly starting: Promise<void>;
  private started!: () => void;
  // Requests waiting for a reply: they stop waiting when the commands connection is lost.
  private readonly waiting = new Set<(reason: string) => void>();

  /**
   * @param budgetMs REDIS_TIMEOUT_MS: how late a reply may be before Redis's health is checked.
   * @param purpose what its log lines name: token sharing, unless it serves something else.
   */
  constructor(
    private readonly url: string,
    readonly budgetMs: number,
    events: LinkEvents,
    private readonly purpose: LinkPurpose = SHARING_TOKENS,
  ) {
    this.starting = new Promise((resolve) => (this.started = resolve));
    setTimeout(this.started, budgetMs + HEALTH_CHECK_TIMEOUT_MS).unref();
    this.commands = new RedisConnection(url, "commands", false, {
      onError: (reason) => {
        this.markDown(reason);
        for (const stopWaiting of this.waiting) stopWaiting(reason);
      },
      onReady: () => this.checkSoon(0),
    });
    // Subscriptions are queued while offline and renewed on every reconnection.
    this.events = new RedisConnection(url, "subscriber", true, {
      onError: (reason) => {
        this.markDown(reason);
        events.onEventsLost();
      },
      onReady: () => this.checkSoon(0),
      setUp: (client) => client.subscribe(CHANNEL, events.onMessage),
    });
  }

  /** Whether requests use Redis right now. */
  get isUp(): boolean {
    return this.down === undefined;
  }

  /**
   * Whether requests use Redis: at once, except while this process's first connection is being
   * made, which they wait for as they would for a late reply. A refused one fails at once.
   */
  async isUsable(): Promise<boolean> {
    await this.starting;
    return this.isUp;
  }

  /** Whether this process hears every message published now (its subscriber is connected and sharing is on). */
  get hearsEvents(): boolean {
    return this.isUp && this.events.isReady;
  }

  /** Whether this Redis is too old to share through: nothing is kept in it, nothing is sent to it. */
  get isUnsupported(): boolean {
    return this.unsupported;
  }

  /** A deadline for writes no request waits for (storing, announcing): late ones only delay sharing. */
  backgroundDeadline(): number {
    return performance.now() + BACKGROUND_BUDGET_MS;
  }

  /**
   * Sends one command (or pipeline) now. The promise is Redis's answer whenever it comes;
   * RedisUnavailable when Redis is down or the connection fails.
   */
  send<T>(command: (client: Client) => Promise<T>): Promise<T> {
    if (this.down !== undefined) return Promise.reject(new RedisUnavailable(this.down));
    const client = this.commands.client;
    return command(client).catch((error: unknown) => {
      const reason = error instanceof Error ? error.message || error.name : String(error);
      // A connection already replaced failing its last commands says nothing about the current one.
      if (client === this.commands.client) this.markDown(reason);
      throw new RedisUnavailable(reason);
    });
  }

  /**
   * A request's wait for `reply` (from send): slow is not down, and a Clerk call instead would
   * likely repeat one another process is making. Past REDIS_TIMEOUT_MS Redis's health is checked
   * at once; RedisUnavailable when the connection is lost or found dead, or after
   * REDIS_TIMEOUT_MS + HEALTH_CHECK_TIMEOUT_MS in all. The caller then carries on without Redis,
   * and still owns whatever `reply` brings.
   */
  async awaitReply<T>(reply: Promise<T>): Promise<T> {
    const timers: NodeJS.Timeout[] = [];
    let stopWaiting!: (reason: string) => void;
    const stopped = new Promise<never>((_, reject) => {
      stopWaiting = (reason) => reject(new RedisUnavailable(reason));
    });
    this.waiting.add(stopWaiting);
    // Judged after the event loop's I/O phase: a reply that arrived while this process was busy counts.
    const after = (ms: number, then: () => void) => timers.push(setTimeout(() => setImmediate(then), ms));
    after(this.budgetMs, () => this.checkSoon(0));
    after(this.budgetMs + HEALTH_CHECK_TIMEOUT_MS, () => stopWaiting("no reply from Redis in time"));
    try {
      return await Promise.race([reply, stopped]);
    } finally {
      timers.forEach(clearTimeout);
      this.waiting.delete(stopWaiting);
    }
  }

  /** Runs one command (or pipeline) before `deadline`: for work no request waits on as it happens. */
  async run<T>(deadline: number, command: (client: Client) => Promise<T>): Promise<T> {
    const remaining = deadline - performance.now();
    if (remaining <= 0) throw new RedisUnavailable("no time left in the budget");
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => setImmediate(() => reject(new RedisUnavailable("no answer in time"))), remaining);
    });
    try {
      return await Promise.race([this.send(command), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Publishes on the app's channel to every process, this one included. */
  publish(deadline: number, message: string): Promise<number> {
    return this.run(deadline, (client) => client.publish(CHANNEL, message));
  }

  /** Closes both connections and stops checking them. */
  close() {
    this.closed = true;
    this.started();
    clearTimeout(this.checkTimer);
    this.commands.destroy();
    this.events.destroy();
  }

  private markDown(reason: string) {
    if (this.closed) return;
    this.started();
    if (this.down === undefined) {
      this.down = reason;
      log(`Sharing stopped (${reason}): each process ${this.purpose.without} until Redis answers again.`);
    }
    this.checkSoon(PROBE_INTERVAL_MS);
  }

  /** The next health check in `delayMs`, or sooner if one is already due sooner. */
  private checkSoon(delayMs: number) {
    const dueAt = performance.now() + delayMs;
    // A check under way may have sent its PINGs before what made this one due: another follows it.
    if (this.checking && delayMs === 0) this.checkAgain = true;
    if (this.checking || this.unsupported || this.closed || dueAt >= this.checkDueAt) return;
    clearTimeout(this.checkTimer);
    this.checkDueAt = dueAt;
    this.checkTimer = setTimeout(() => void this.check(), delayMs);
    this.checkTimer.unref();
  }

  /** Both connections must answer a PING: then sharing is (or stays) on. One that is silent is replaced. */
  private async check() {
    this.checking = true;
    this.checkDueAt = Infinity;
    const [commandsAnswer, eventsAnswer] = await Promise.all([
      this.commands.answersPing(HEALTH_CHECK_TIMEOUT_MS),
      this.events.answersPing(HEALTH_CHECK_TIMEOUT_MS),
    ]);
    const ok = commandsAnswer && eventsAnswer;
    // Once, before sharing first starts; while this.checking is set, so that no other check asks too.
    if (ok && !this.everUp && !(await this.versionSupported())) return;
    this.checking = false;
    if (ok && this.down !== undefined) {
      this.down = undefined;
      log(
        this.everUp
          ? "Sharing resumed: Redis answers again."
          : `Sharing ${this.purpose.shared} through Redis at ${describeUrl(this.url)}.`,
      );
      this.everUp = true;
      this.started();
    }
    const checkAgain = this.checkAgain;
    this.checkAgain = false;
    this.checkSoon(checkAgain ? 0 : this.isUp ? HEALTH_CHECK_INTERVAL_MS : PROBE_INTERVAL_MS);
  }

  /**
   * Sharing needs PEXPIRE NX/GT (Redis 7.0): on an older server its transactions would
   * fail, so it is not used at all. A server that does not say its version is tried.
   */
  private async versionSupported(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const info = await Promise.race([
      this.commands.client.info("server").catch(() => ""),
      new Promise<string>((resolve) => (timer = setTimeout(() => resolve(""), HEALTH_CHECK_TIMEOUT_MS))),
    ]).finally(() => clearTimeout(timer));
    const version = /^redis_version:((\d+)\.\S*)/m.exec(info);
    if (!version || Number(version[2]) >= OLDEST_MAJOR_VERSION) return true;
    this.unsupported = true;
    this.started();
    this.down = `Redis ${version[1]} is older than ${OLDEST_MAJOR_VERSION}.0`;
    log(
      `REDIS_URL names Redis ${version[1]} at ${describeUrl(this.url)}; sharing ${this.purpose.shared} needs ` +
        `Redis ${OLDEST_MAJOR_VERSION}.0 or later: upgrade it, or unset REDIS_URL. Each process ${this.purpose.without}.`,
    );
    this.commands.destroy();
    this.events.destroy();
    return false;
  }
}
