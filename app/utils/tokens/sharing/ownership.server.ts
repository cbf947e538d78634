import { randomUUID } from "node:crypto";
import { saysTokenIsStale } from "~/utils/clerk/errors.server";
import { reusableForMs, type TokenLookup } from "~/utils/tokens/cache.server";
import { CHANNEL, type RedisLink } from "./redis-link.server";
import type { Sealing } from "./sealing.server";

/**
 * The lock behind one Clerk call for the whole fleet, and its owner's duties.
 * A lock is owned by whoever Redis gave it to, whether or not that request
 * still waited for Redis's reply: the owner stores and announces its call's
 * outcome, or frees the lock at once, always with a compare-and-delete of its
 * own value. Decision 021.
 */

/**
 * One round trip for a lookup: the kept token and how long it is kept yet, if
 * there is one; else an attempt at the lock (`SET NX PX`).
 * Replies [token, nil, PTTL] or [nil, "OK" or nil].
 */
const GET_OR_LOCK = `
local kept = redis.call("GET", KEYS[1])
if kept then return {kept, false, redis.call("PTTL", KEYS[1])} end
return {false, redis.call("SET", KEYS[2], ARGV[1], "NX", "PX", ARGV[2])}
`;

/**
 * How long past its expiry a name stays in an organization's index: the machines that write it
 * score by their own clocks, which may disagree by this much before one prunes another's live token.
 */
const ORGANIZATION_INDEX_SKEW_MS = 60_000;

/**
 * Frees the lock only if it still holds this call's value: a holder slower
 * than the lock's life must not free the lock another process took since.
 */
const RELEASE_LOCK = `
if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end
return 0
`;

/** Who a token belongs to, as getAuth verified it: what revocations are matched on. */
export interface TokenOwner {
  sessionId: string;
  userId: string;
  /** The session's active organization when the token was minted; null or absent: the personal account. */
  orgId?: string | null;
}

/** A Clerk failure as the route answers it, so every waiter can answer the same. */
export interface FailureAnswer {
  status: number;
  headers: Array<[string, string]>;
  body: { message: string; code: string };
}

/** What a Clerk call's owner announces. `staleKey`: Clerk said the token is gone, drop every copy. */
export type Outcome = { jwt: string } | { failure: FailureAnswer; staleKey?: string };

/** The lock a Clerk call holds: its key and the value only this call knows. */
export interface Lock {
  name: string;
  value: string;
}

/** What GET_OR_LOCK found: a kept token (sealed), the lock (now this lookup's), or the lock taken. */
export type Reply = { kept: string; keptForMs: number } | { lock: Lock } | { taken: true };

/** One entry's lookup: its name in Redis, its reuse key, its owner, and how to call Clerk. */
export interface Entry {
  name: string;
  key: string;
  owner: TokenOwner;
  mint: () => Promise<string>;
  failureAnswer: (error: unknown) => Response;
}

export class Ownership {
  /** @param lockMs how long a Clerk call may hold the lock: its whole budget and a margin. */
  constructor(
    private readonly link: RedisLink,
    private readonly sealing: Sealing,
    private readonly lockMs: number,
  ) {}

  /** Sends GET_OR_LOCK now; the promise is Redis's reply whenever it comes. */
  tokenOrLock(entry: Entry): Promise<Reply> {
    const lock: Lock = { name: this.sealing.name("lock", entry.key), value: randomUUID() };
    return this.link
      .send((client) =>
        client.eval(GET_OR_LOCK, { keys: [entry.name, lock.name], arguments: [lock.value, String(this.lockMs)] }),
      )
      .then((raw) => {
        const [kept, locked, keptForMs] = raw as [string | null, string | null, number?];
        if (kept !== null) return { kept, keptForMs: keptForMs ?? 0 };
        return locked === "OK" ? { lock } : { taken: true };
      });
  }

  /**
   * Owns what Redis answers after the lookup stopped waiting and answered from this process's
   * own cache (`ownAnswer`): a lock it granted meanwhile gets that answer's Clerk call stored and
   * announced, or is freed at once when there was no call (a kept token) or Clerk failed.
   */
  ownLateReply(entry: Entry, reply: Promise<Reply>, ownAnswer: Promise<TokenLookup>) {
    void reply.then(
      async (late) => {
        if (!("lock" in late)) return;
        let lookup: TokenLookup;
        try {
          lookup = await ownAnswer;
        } catch (error) {
          const { failure, stale } = await this.failureOf(entry, error);
          return this.announceFailure(entry, failure, stale, late.lock);
        }
        if (lookup.outcome === "hit") return this.release(late.lock);
        return this.storeAndAnnounce(entry, lookup.jwt, late.lock);
      },
      () => {},
    );
  }

  /** A Clerk failure as every waiter answers it, and whether it makes the kept token stale. */
  async failureOf(entry: Entry, error: unknown): Promise<{ failure: FailureAnswer; stale: boolean }> {
    const response = entry.failureAnswer(error);
    const failure = { status: response.status, headers: [...response.headers], body: await response.json() };
    // As in the local cache: only Clerk saying the session or template is gone makes the kept token stale.
    return { failure, stale: saysTokenIsStale(error) };
  }

  /**
   * In one transaction: keeps the token for its reuse window, indexed by session,
   * user and organization so a revocation finds it; tells the waiters; frees the lock.
   */
  async storeAndAnnounce(entry: Entry, jwt: string, lock: Lock | undefined) {
    const { name, owner } = entry;
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
          if (owner.orgId) {
            // An organization renamed or deleted drops its tokens, whoever's they are (decision 031).
            // Its members keep minting, so the index never expires as a whole: each name is scored by
            // when its token expires, and names long expired are pruned at each write.
            const organizationIndex = this.sealing.name("organization", owner.orgId);
            const now = Date.now();
            transaction
              .zAdd(organizationIndex, { score: now + ttl, value: name })
              .zRemRangeByScore(organizationIndex, "-inf", now - ORGANIZATION_INDEX_SKEW_MS)
              .pExpire(organizationIndex, ttl, "NX")
              .pExpire(organizationIndex, ttl, "GT");
          }
        }
        transaction.publish(CHANNEL, this.announcement(name, { jwt }));
        if (lock) transaction.eval(RELEASE_LOCK, { keys: [lock.name], arguments: [lock.value] });
        return transaction.exec();
      })
      .catch(() => {});
  }

  /**
   * Tells the waiters how the call failed and frees the lock; the failure is not kept. A stale
   * failure also drops the token it was to replace, in Redis and in every process's near copies.
   */
  async announceFailure(entry: Entry, failure: FailureAnswer, stale: boolean, lock: Lock | undefined) {
    const outcome: Outcome = stale ? { failure, staleKey: entry.key } : { failure };
    await this.link
      .run(this.link.backgroundDeadline(), (client) => {
        const transaction = client.multi().publish(CHANNEL, this.announcement(entry.name, outcome));
        if (stale) transaction.del(entry.name);
        if (lock) transaction.eval(RELEASE_LOCK, { keys: [lock.name], arguments: [lock.value] });
        return transaction.exec();
      })
      .catch(() => {});
  }

  /** Frees a lock this process owns but has no outcome to share for. */
  async release(lock: Lock) {
    await this.link
      .run(this.link.backgroundDeadline(), (client) =>
        client.eval(RELEASE_LOCK, { keys: [lock.name], arguments: [lock.value] }),
      )
      .catch(() => {});
  }

  private announcement(name: string, outcome: Outcome): string {
    return JSON.stringify({ type: "minted", name, sealed: this.sealing.seal(name, outcome) });
  }
}
