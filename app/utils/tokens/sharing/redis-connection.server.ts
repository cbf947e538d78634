import { createClient } from "redis";

/**
 * One connection to Redis (node-redis) that notices a dead peer. node-redis
 * reconnects when the socket fails, but a peer that keeps the socket open and
 * stops answering (a hung server, a silent network path) fails nothing: its
 * `pingInterval` only sends PINGs, and a command already written is never
 * timed out. So the link asks each connection for a PING on a schedule, and a
 * connection whose PING goes unanswered is replaced by a new one. Decision 021.
 */

export type Client = ReturnType<typeof createClient>;

const CONNECT_TIMEOUT_MS = 1000;
const MAX_RECONNECT_DELAY_MS = 1000;
const CLOSING_GRACE_MS = 10_000;

export interface ConnectionHooks {
  /** The connection failed, or was replaced: requests must not count on it until the link's next check. */
  onError(reason: string): void;
  /** The connection is ready (again). */
  onReady(): void;
  /** What a new client must do once connected, e.g. subscribe (node-redis renews it on reconnection). */
  setUp?(client: Client): Promise<unknown>;
}

function log(message: string) {
  console.error(`[redis] ${message}`);
}

export class RedisConnection {
  private current: Client;

  /**
   * @param role how the log names it: "commands" or "subscriber".
   * @param offlineQueue whether commands wait for a reconnection (subscriptions do) or fail at once.
   */
  constructor(
    private readonly url: string,
    readonly role: string,
    private readonly offlineQueue: boolean,
    private readonly hooks: ConnectionHooks,
  ) {
    this.current = this.open();
  }

  get client(): Client {
    return this.current;
  }

  get isReady(): boolean {
    return this.current.isReady;
  }

  /**
   * Whether a PING answers within `timeoutMs` (judged after the event loop's I/O phase, so an
   * answer that arrived while this process was busy counts). A ready connection that does not
   * answer is replaced; one that is not ready is left to node-redis's reconnection.
   */
  async answersPing(timeoutMs: number): Promise<boolean> {
    const client = this.current;
    if (!client.isReady) return false;
    let timer: NodeJS.Timeout | undefined;
    const silent = new Promise<"silent">((resolve) => {
      timer = setTimeout(() => setImmediate(() => resolve("silent")), timeoutMs);
    });
    try {
      const answer = await Promise.race([client.ping().catch(() => "failed" as const), silent]);
      if (answer === "silent" && client === this.current) {
        this.replace(`did not answer a PING within ${timeoutMs} ms`);
      }
      return answer !== "silent" && answer !== "failed";
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes it for good. */
  destroy() {
    this.current.destroy();
  }

  private replace(reason: string) {
    log(`The ${this.role} connection ${reason}: replacing it.`);
    const dead = this.current;
    this.current = this.open();
    this.hooks.onError(`the ${this.role} connection ${reason}`);
    // Answers Redis still sends on it are read, so that a lock it grants late has its owner;
    // closed once they came, or after a grace if the peer is gone for good.
    void dead.close().catch(() => {});
    setTimeout(() => dead.destroy(), CLOSING_GRACE_MS).unref();
  }

  private open(): Client {
    const client: Client = createClient({
      url: this.url,
      // While disconnected, commands fail at once instead of queueing behind the outage.
      disableOfflineQueue: !this.offlineQueue,
      socket: {
        connectTimeout: CONNECT_TIMEOUT_MS,
        reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, MAX_RECONNECT_DELAY_MS),
      },
    });
    client.on("error", (error: Error) => {
      if (client === this.current) this.hooks.onError(error.message || error.name);
    });
    client.on("ready", () => {
      if (client === this.current) this.hooks.onReady();
    });
    void client
      .connect()
      .then(() => this.hooks.setUp?.(client))
      .catch(() => {});
    return client;
  }
}
