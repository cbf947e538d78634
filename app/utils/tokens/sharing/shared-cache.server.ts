import { apiError } from "~/utils/http/responses.server";
import { reusableForMs, serverTimingOf, type TemplateTokenCache, type TokenLookup } from "~/utils/tokens/cache.server";
import { FreshCalls } from "~/utils/tokens/fresh-calls.server";
import type { NearCache } from "./near-cache.server";
import {
  Ownership,
  type Entry,
  type FailureAnswer,
  type Lock,
  type Outcome,
  type Reply,
  type TokenOwner,
} from "./ownership.server";
import { RedisUnavailable, type RedisLink } from "./redis-link.server";
import type { Sealing } from "./sealing.server";
import { Announcements, LONGEST_REREAD_MS, readPauses } from "./waiting.server";

/**
 * Template-token reuse shared by every process on every machine through Redis:
 * a token one process got from Clerk is handed out by all of them for its
 * reuse window, and concurrent misses anywhere make one Clerk call (a lock;
 * the others wait for it). A process serves the shared tokens it already holds
 * itself for a short while (near copies). When Redis cannot be used, the
 * process's own cache (TemplateTokenCache, as without REDIS_URL) answers
 * instead. Decisions 014, 021 and 022.
 */

/** Where a shared lookup's token came from. */
export type SharedSource = "near" | "hit" | "waited" | "stored" | "unavailable";

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
  /** How long the shared lookup took, a Clerk call it made included; absent for a near copy. */
  lookupMs?: number;
}

export function sharedServerTiming({ lookup, source, lookupMs }: SharedLookup): string {
  const duration = lookupMs === undefined ? "" : `;dur=${lookupMs.toFixed(1)}`;
  return `${serverTimingOf(lookup)}, redis;desc="${source}"${duration}`;
}

export class SharedTokenCache {
  // This process's lookups under way, by key: concurrent misses here share one trip to Redis.
  private readonly pending = new Map<string, Promise<SharedLookup>>();
  private readonly announcements = new Announcements();
  private readonly ownership: Ownership;
  // No-cache lookups: each gets a call begun after it, a burst shares one (fresh-calls.server.ts).
  private readonly freshCalls = new FreshCalls<SharedLookup>();

  /**
   * @param local this process's own cache: the answer when Redis cannot be used.
   * @param lockMs how long a Clerk call may hold the lock: its whole budget and a margin.
   */
  constructor(
    private readonly local: TemplateTokenCache,
    private readonly near: NearCache,
    private readonly link: RedisLink,
    private readonly sealing: Sealing,
    private readonly lockMs: number,
  ) {
    this.ownership = new Ownership(link, sealing, lockMs);
  }

  /** Handles a message on the app's channel announcing a finished Clerk call. */
  onMinted(name: string, sealed: string) {
    const outcome = this.sealing.open<Outcome>(name, sealed);
    if (!outcome) return;
    if ("staleKey" in outcome && outcome.staleKey !== undefined) this.near.drop(outcome.staleKey);
    this.announcements.deliver(name, outcome);
  }

  /**
   * A token for `key`, owned by `owner`: a near copy, from Redis, from another
   * process's Clerk call, or from this process's own. `fresh` always calls Clerk.
   * `failureAnswer` turns a Clerk failure into the route's answer. Failures
   * are thrown as Responses; when Redis cannot be used, the local cache's own.
   */
  async lookup(
    key: string,
    owner: TokenOwner,
    mint: () => Promise<string>,
    options: { fresh: boolean; failureAnswer: (error: unknown) => Response },
  ): Promise<SharedLookup> {
    // Near copies are served only while this process hears revocations.
    const nearCopy = options.fresh || !this.link.hearsEvents ? undefined : this.near.get(key);
    if (nearCopy !== undefined) return { lookup: { jwt: nearCopy, outcome: "hit" }, source: "near" };
    const started = performance.now();
    const found = await this.find(key, owner, mint, options);
    return { ...found, lookupMs: performance.now() - started };
  }

  private async find(
    key: string,
    owner: TokenOwner,
    mint: () => Promise<string>,
    { fresh, failureAnswer }: { fresh: boolean; failureAnswer: (error: unknown) => Response },
  ): Promise<SharedLookup> {
    if (!this.link.isUp && !(await this.link.isUsable())) return this.fromOwnCache(key, mint, fresh);
    const entry: Entry = { name: this.sealing.name("token", key), key, owner, mint, failureAnswer };
    const started = this.pending.get(key);
    try {
      if (started && !fresh) return { ...(await started), source: "waited" };
      const call = fresh
        ? this.freshCalls.run(key, () => this.mintAndShare(entry, { outcome: "bypass" }))
        : this.fromRedisOrClerk(entry);
      if (!fresh) {
        this.pending.set(key, call);
        void call.catch(() => {}).finally(() => this.pending.get(key) === call && this.pending.delete(key));
      }
      return await call;
    } catch (error) {
      if (error instanceof SharedFailure) throw error.toResponse();
      if (!(error instanceof RedisUnavailable)) throw error;
      return this.fromOwnCache(key, mint, fresh);
    }
  }

  private async fromOwnCache(key: string, mint: () => Promise<string>, fresh: boolean): Promise<SharedLookup> {
    return { lookup: await this.local.lookup(key, mint, { fresh }), source: "unavailable" };
  }

  /**
   * The kept token; else the lock, and a Clerk call; else waiting for the call
   * holding it: re-reading the entry, backing off, until the token is there or
   * the lock is free (then this lookup takes it), its outcome is published, or
   * the lock's whole life has passed.
   */
  private async fromRedisOrClerk(entry: Entry): Promise<SharedLookup> {
    const generation = this.near.generation;
    // Listening before asking: an outcome published right after the lock is refused is not missed.
    const heard = this.announcements.listen(entry.name);
    const giveUpAt = performance.now() + this.lockMs + LONGEST_REREAD_MS;
    try {
      for (const pause of readPauses()) {
        const outcome = pause > 0 ? await heard.within(pause) : undefined;
        if (outcome) return this.fromOutcome(entry, outcome, generation);
        if (performance.now() > giveUpAt) throw new RedisUnavailable("the Clerk call holding the lock did not end");
        const reply = await this.ask(entry);
        if ("ownAnswer" in reply) return reply.ownAnswer;
        if ("lock" in reply) return await this.mintAndShare(entry, { outcome: "miss", lock: reply.lock });
        if ("kept" in reply) {
          const kept = this.sealing.open<{ jwt: string }>(entry.name, reply.kept);
          // A value that does not open was tampered with: this process's own cache answers.
          if (!kept) throw new RedisUnavailable("a kept token did not open");
          this.near.keep(entry.key, kept.jwt, reply.keptForMs, generation);
          return { lookup: { jwt: kept.jwt, outcome: "hit" }, source: pause === 0 ? "hit" : "waited" };
        }
      }
      throw new Error("unreachable: the re-reads never end");
    } finally {
      heard.cancel();
    }
  }

  /**
   * GET_OR_LOCK. When Redis says nothing for too long, this process's own cache
   * answers instead, and whatever Redis then grants is still owned.
   */
  private async ask(entry: Entry): Promise<Reply | { ownAnswer: SharedLookup }> {
    const reply = this.ownership.tokenOrLock(entry);
    try {
      return await this.link.awaitReply(reply);
    } catch (error) {
      if (!(error instanceof RedisUnavailable)) throw error;
      const ownAnswer = this.local.lookup(entry.key, entry.mint);
      this.ownership.ownLateReply(entry, reply, ownAnswer);
      return { ownAnswer: { lookup: await ownAnswer, source: "unavailable" } };
    }
  }

  private fromOutcome(entry: Entry, outcome: Outcome, generation: number): SharedLookup {
    if ("failure" in outcome) throw new SharedFailure(outcome.failure);
    this.near.keep(entry.key, outcome.jwt, reusableForMs(outcome.jwt), generation);
    return { lookup: { jwt: outcome.jwt, outcome: "miss" }, source: "waited" };
  }

  /** Calls Clerk, then stores and announces the token, or announces the failure (never stored). */
  private async mintAndShare(
    entry: Entry,
    { outcome, lock }: { outcome: "miss" | "bypass"; lock?: Lock },
  ): Promise<SharedLookup> {
    const generation = this.near.generation;
    const started = performance.now();
    let jwt: string;
    try {
      jwt = await entry.mint();
    } catch (error) {
      const { failure, stale } = await this.ownership.failureOf(entry, error);
      void this.ownership.announceFailure(entry, failure, stale, lock);
      throw new SharedFailure(failure);
    }
    const clerkMs = performance.now() - started;
    void this.ownership.storeAndAnnounce(entry, jwt, lock);
    this.near.keep(entry.key, jwt, reusableForMs(jwt), generation);
    return { lookup: { jwt, outcome, clerkMs }, source: "stored" };
  }
}
