import { randomUUID } from "node:crypto";
import { saysTokenIsStale } from "~/utils/clerk/errors.server";
import { apiError } from "~/utils/http/responses.server";
import { reusableForMs, serverTimingOf, type TemplateTokenCache, type TokenLookup } from "~/utils/tokens/cache.server";
import { FreshCalls } from "~/utils/tokens/fresh-calls.server";
import { CHANNEL, RedisUnavailable, type RedisLink } from "./redis-link.server";
import type { Sealing } from "./sealing.server";

/**
 * Template-token reuse shared by every process on every machine through Redis:
 * a token one process got from Clerk is handed out by all of them for its
 * reuse window, and concurrent misses anywhere make one Clerk call (a short
 * `SET NX PX` lock; the others wait for its result, published on the app's
 * channel). When Redis cannot be used within the budget, the process's own
 * cache (TemplateTokenCache, as without REDIS_URL) answers instead.
 */

/**
 * One round trip for a lookup: the kept token if there is one, else an attempt
 * at the lock (`SET NX PX`). Replies [token or nil, "OK" or nil].
 */
const GET_OR_LOCK = `
local kept = redis.call("GET", KEYS[1])
if kept then return {kept, false} end
return {false, redis.call("SET", KEYS[2], ARGV[1], "NX", "PX", ARGV[2])}
`;

/**
 * Frees the lock only if it still holds this call's value: a holder slower
 * than the lock's life must not free the lock another process took since.
 */
const RELEASE_LOCK = `
if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end
return 0
`;

/** The lock a Clerk call holds: its key and the value only this call knows. */
interface Lock {
  name: string;
  value: string;
}

/** Who a token belongs to, as getAuth verified it: what revocations are matched on. */
export interface TokenOwner {
  sessionId: string;
  userId: string;
}

/** Where a shared lookup's token came from. */
export type SharedSource = "hit" | "waited" | "stored" | "unavailable";

/** A Clerk failure as the route answers it, so every waiter can answer the same. */
export interface FailureAnswer {
  status: number;
  headers: Array<[string, string]>;
  body: { message: string; code: string };
}

type Outcome = { jwt: string } | { failure: FailureAnswer };

/** A failure shared by a Clerk call's waiters: each gets its own Response (a body is sent once). */
class SharedFailure extends Error {
  constructor(readonly answer: FailureAnswer) {
    super(`Clerk call failed with HTTP ${answer.status}`);
  }
  toResponse(): Response {
    return apiError(this.answer.status, this.answer.body, this.answer.headers);
  }
}

export interface SharedLookup {
  lookup: TokenLookup;
  source: SharedSource;
}

export function sharedServerTiming({ lookup, source }: SharedLookup): string {
  return `${serverTimingOf(lookup)}, redis;desc="${source}"`;
}

async function answerOf(response: Response): Promise<FailureAnswer> {
  return { status: response.status, headers: [...response.headers], body: await response.json() };
}

export class SharedTokenCache {
  // This process's lookups under way, by key: concurrent misses here share one trip to Redis.
  private readonly pending = new Map<string, Promise<SharedLookup>>();
  // Requests waiting for another process's Clerk call, by the entry's name.
  private readonly waiters = new Map<string, Set<(outcome: Outcome) => void>>();
  // No-cache lookups: each gets a call begun after it, a burst shares one (fresh-calls.server.ts).
  private readonly freshCalls = new FreshCalls<SharedLookup>();

  /**
   * @param lockMs how long a Clerk call may hold the lock: its whole budget and a margin.
   */
  constructor(
    private readonly local: TemplateTokenCache,
    private readonly link: RedisLink,
    private readonly sealing: Sealing,
    private readonly lockMs: number,
  ) {}

  /** Handles a message on the app's channel announcing a finished Clerk call. */
  onMinted(name: string, sealed: string) {
    const listeners = this.waiters.get(name);
    const outcome = listeners && this.sealing.open<Outcome>(name, sealed);
    if (outcome) for (const listener of listeners) listener(outcome);
  }

  /**
   * A token for `key`, owned by `owner`: from Redis, from another process's
   * Clerk call, or from this process's own. `fresh` always calls Clerk.
   * `failureAnswer` turns a Clerk failure into the route's answer. Failures
   * are thrown as Responses; when Redis cannot be used, the local cache's own.
   */
  async lookup(
    key: string,
    owner: TokenOwner,
    mint: () => Promise<string>,
    { fresh, failureAnswer }: { fresh: boolean; failureAnswer: (error: unknown) => Response },
  ): Promise<SharedLookup> {
    if (!this.link.isUp) return { lookup: await this.local.lookup(key, mint, { fresh }), source: "unavailable" };
    const started = this.pending.get(key);
    try {
      if (started && !fresh) return { ...(await started), source: "waited" };
      const call = fresh
        ? this.freshCalls.run(key, () => this.fromRedisOrClerk(key, owner, mint, true, failureAnswer))
        : this.fromRedisOrClerk(key, owner, mint, false, failureAnswer);
      if (!fresh) {
        this.pending.set(key, call);
        void call.catch(() => {}).finally(() => this.pending.get(key) === call && this.pending.delete(key));
      }
      return await call;
    } catch (error) {
      if (error instanceof SharedFailure) throw error.toResponse();
      if (!(error instanceof RedisUnavailable)) throw error;
      return { lookup: await this.local.lookup(key, mint, { fresh }), source: "unavailable" };
    }
  }

  private async fromRedisOrClerk(
    key: string,
    owner: TokenOwner,
    mint: () => Promise<string>,
    fresh: boolean,
    failureAnswer: (error: unknown) => Response,
  ): Promise<SharedLookup> {
    const name = this.sealing.name("token", key);
    if (fresh) return this.mintAndShare(name, owner, mint, failureAnswer, { outcome: "bypass" });
    const lock: Lock = { name: this.sealing.name("lock", key), value: randomUUID() };
    // Listening before asking: an outcome published right after the lock is refused is not missed.
    const result = this.waitFor(name);
    try {
      const reply = (await this.link.run(this.link.deadline(), (client) =>
        client.eval(GET_OR_LOCK, { keys: [name, lock.name], arguments: [lock.value, String(this.lockMs)] }),
      )) as [string | null, string | null];
      const kept = reply[0] === null ? undefined : this.sealing.open<{ jwt: string }>(name, reply[0]);
      if (kept) return { lookup: { jwt: kept.jwt, outcome: "hit" }, source: "hit" };
      if (reply[1] === "OK")
        return await this.mintAndShare(name, owner, mint, failureAnswer, { outcome: "miss", lock });
      const outcome = await result.promise;
      if (outcome === undefined) throw new RedisUnavailable("the Clerk call holding the lock did not finish in time");
      if ("failure" in outcome) throw new SharedFailure(outcome.failure);
      return { lookup: { jwt: outcome.jwt, outcome: "miss" }, source: "waited" };
    } finally {
      result.cancel();
    }
  }

  /** Resolves with the outcome another process publishes for `name`, or undefined once the lock would have expired. */
  private waitFor(name: string) {
    let settle!: (outcome: Outcome | undefined) => void;
    const promise = new Promise<Outcome | undefined>((resolve) => (settle = resolve));
    const listeners = this.waiters.get(name) ?? new Set();
    listeners.add(settle);
    this.waiters.set(name, listeners);
    const timer = setTimeout(() => settle(undefined), this.lockMs);
    const cancel = () => {
      clearTimeout(timer);
      listeners.delete(settle);
      if (listeners.size === 0 && this.waiters.get(name) === listeners) this.waiters.delete(name);
    };
    return { promise, cancel };
  }

  /** Calls Clerk, then stores and announces the token, or announces the failure (never stored). */
  private async mintAndShare(
    name: string,
    owner: TokenOwner,
    mint: () => Promise<string>,
    failureAnswer: (error: unknown) => Response,
    { outcome, lock }: { outcome: "miss" | "bypass"; lock?: Lock },
  ): Promise<SharedLookup> {
    const started = performance.now();
    let jwt: string;
    try {
      jwt = await mint();
    } catch (error) {
      const failure = await answerOf(failureAnswer(error));
      // As in the local cache: only Clerk saying the session or template is gone makes the kept token stale.
      void this.announceFailure(name, failure, lock, saysTokenIsStale(error));
      throw new SharedFailure(failure);
    }
    const clerkMs = performance.now() - started;
    void this.storeAndAnnounce(name, owner, jwt, lock);
    return { lookup: { jwt, outcome, clerkMs }, source: "stored" };
  }

  /**
   * In one transaction: keeps the token for its reuse window, indexed by session
   * and user so a revocation finds it; tells the waiters; frees the lock.
   */
  private async storeAndAnnounce(name: string, owner: TokenOwner, jwt: string, lock: Lock | undefined) {
    const ttl = reusableForMs(jwt);
    const sessionIndex = this.sealing.name("session", owner.sessionId);
    const userIndex = this.sealing.name("user", owner.userId);
    await this.link
      .run(this.link.backgroundDeadline(), (client) => {
        const transaction = client.multi();
        if (ttl > 0) {
          transaction
            .set(name, this.sealing.seal(name, { jwt }), { expiration: { type: "PX", value: ttl } })
            .sAdd(sessionIndex, name)
            .pExpire(sessionIndex, ttl, "NX")
            .pExpire(sessionIndex, ttl, "GT")
            .sAdd(userIndex, sessionIndex)
            .pExpire(userIndex, ttl, "NX")
            .pExpire(userIndex, ttl, "GT");
        }
        transaction.publish(CHANNEL, this.announcement(name, { jwt }));
        if (lock) transaction.eval(RELEASE_LOCK, { keys: [lock.name], arguments: [lock.value] });
        return transaction.exec();
      })
      .catch(() => {});
  }

  /**
   * Tells the waiters how the call failed and frees the lock; the failure is not
   * kept, and the token it was to replace is dropped: Clerk may have said the session is gone.
   */
  private async announceFailure(name: string, failure: FailureAnswer, lock: Lock | undefined, dropKept: boolean) {
    await this.link
      .run(this.link.backgroundDeadline(), (client) => {
        const transaction = client.multi().publish(CHANNEL, this.announcement(name, { failure }));
        if (dropKept) transaction.del(name);
        if (lock) transaction.eval(RELEASE_LOCK, { keys: [lock.name], arguments: [lock.value] });
        return transaction.exec();
      })
      .catch(() => {});
  }

  private announcement(name: string, outcome: Outcome): string {
    return JSON.stringify({ type: "minted", name, sealed: this.sealing.seal(name, outcome) });
  }
}
