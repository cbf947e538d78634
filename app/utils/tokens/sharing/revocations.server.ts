import cluster from "node:cluster";
import type { TokenOwner } from "./ownership.server";
import type { RedisLink } from "./redis-link.server";
import type { Sealing } from "./sealing.server";

/**
 * Closing the reuse window when Clerk says a session or user is gone, or an
 * organization changed (its webhooks): every reused token of that session or
 * user, or minted for that organization, is dropped — in this process's caches
 * (its own, and its near copies of shared ones); in every worker on this
 * machine (through the cluster's primary); and, with Redis, in Redis and,
 * through its pub/sub channel, in every process on every machine.
 * docs/decisions/015-webhooks-close-the-revocation-window.md, 031.
 */

export type RevocationTarget = { sessionId: string } | { userId: string } | { orgId: string };

/** The key a reused token is kept by: its owner (session, user, active organization) first, so a revocation can find it. */
export function reuseKeyOf(owner: TokenOwner, ...rest: Array<string | null>): string {
  return JSON.stringify([owner.sessionId, owner.userId, owner.orgId ?? null, ...rest]);
}

function isOwnedBy(key: string, target: RevocationTarget): boolean {
  const [sessionId, userId, orgId] = JSON.parse(key) as [string, string, string | null];
  if ("sessionId" in target) return sessionId === target.sessionId;
  return "userId" in target ? userId === target.userId : orgId === target.orgId;
}

/**
 * The Redis keys to delete for a target: its tokens and the indexes that list them. A session's
 * index lists its tokens; a user's, their sessions' indexes; an organization's, its tokens, scored
 * by when they expire (Ownership.storeAndAnnounce keeps all three).
 */
async function indexedNames(link: RedisLink, sealing: Sealing, target: RevocationTarget, deadline: number) {
  if ("orgId" in target) {
    const organizationIndex = sealing.name("organization", target.orgId);
    const tokens = await link.run(deadline, (client) => client.zRange(organizationIndex, 0, -1));
    return [...tokens, organizationIndex];
  }
  const sessionIndexes =
    "sessionId" in target
      ? [sealing.name("session", target.sessionId)]
      : await link.run(deadline, (client) => client.sMembers(sealing.name("user", target.userId)));
  const tokens = await link.run(deadline, (client) =>
    Promise.all(sessionIndexes.map((index) => client.sMembers(index))),
  );
  return [...sessionIndexes, ...tokens.flat(), ...("userId" in target ? [sealing.name("user", target.userId)] : [])];
}

/** The message a worker sends its primary, which passes it on to every worker. */
export const CLUSTER_REVOCATION = "rct:revoked";

// Dropping in Redis runs off the request path of a webhook, which Clerk retries: a longer budget.
const REVOCATION_BUDGET_MS = 1000;

/** A cache of this process that keeps tokens by reuse key. */
export interface KeptTokens {
  dropWhere(test: (key: string) => boolean): void;
}

export class Revocations {
  private readonly listeners: Array<(target: RevocationTarget | "anyone") => void> = [];

  constructor(
    private readonly local: KeptTokens[],
    private readonly shared?: { link: RedisLink; sealing: Sealing },
  ) {
    if (cluster.isWorker) {
      process.on("message", (message: { type?: string; target?: RevocationTarget }) => {
        if (message?.type === CLUSTER_REVOCATION && message.target) this.dropLocally(message.target);
      });
    }
  }

  /** Drops here, asks every other process to, and tells whether Redis was reached (when used). */
  async revoke(target: RevocationTarget): Promise<{ complete: boolean }> {
    this.dropLocally(target);
    if (cluster.isWorker) process.send?.({ type: CLUSTER_REVOCATION, target });
    // Nothing is ever kept in a Redis too old to share through.
    if (!this.shared || this.shared.link.isUnsupported) return { complete: true };
    try {
      await this.dropShared(this.shared, target);
      return { complete: true };
    } catch {
      return { complete: false };
    }
  }

  /**
   * Runs `forget` in every process for every revocation, for what other modules keep per user or
   * session; with "anyone" when this process may have missed revocations (its Redis subscriber was away).
   */
  onRevoked(forget: (target: RevocationTarget | "anyone") => void) {
    this.listeners.push(forget);
  }

  /** This process's subscriber was away: a revocation may have been missed, so every listener forgets all. */
  eventsLost() {
    this.tellListeners("anyone");
  }

  /** A revocation another process published on the app's channel. */
  onPublished(sealed: string) {
    const target = this.shared?.sealing.open<RevocationTarget>("revoked", sealed);
    if (target) this.dropLocally(target);
  }

  private dropLocally(target: RevocationTarget) {
    for (const cache of this.local) cache.dropWhere((key) => isOwnedBy(key, target));
    this.tellListeners(target);
  }

  private tellListeners(target: RevocationTarget | "anyone") {
    for (const forget of this.listeners) {
      // A listener's failure must not stop the others, nor the worker (this runs on its message path).
      try {
        forget(target);
      } catch (error) {
        console.error(`[revocations] a listener failed: ${error instanceof Error ? error.name : "error"}`);
      }
    }
  }

  private async dropShared({ link, sealing }: { link: RedisLink; sealing: Sealing }, target: RevocationTarget) {
    const deadline = performance.now() + REVOCATION_BUDGET_MS;
    const doomed = await indexedNames(link, sealing, target, deadline);
    if (doomed.length > 0) await link.run(deadline, (client) => client.del(doomed));
    const message = JSON.stringify({ type: "revoked", sealed: sealing.seal("revoked", target) });
    await link.publish(deadline, message);
  }
}
