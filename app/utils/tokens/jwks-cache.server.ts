import type { JSONWebKeySet } from "jose";

/** As long as @clerk/backend keeps the instance's keys: they change only when rotated. */
const JWKS_MAX_AGE_MS = 5 * 60 * 1000;
/** After a rotation a token may name a key not yet seen; it is looked for at most this often. */
const UNKNOWN_KID_REFETCH_MS = 30 * 1000;

/**
 * The instance's public keys as last fetched: concurrent checks share one
 * fetch, and a key id not among them is looked for once more (rate-limited)
 * before the token is said to be signed with another key.
 */
export class JwksCache {
  private cached: { keys: JSONWebKeySet; fetchedAt: number } | undefined;
  private fetching: Promise<JSONWebKeySet> | undefined;

  constructor(
    private readonly fetchKeys: () => Promise<JSONWebKeySet>,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The keys, holding `kid` if the instance has it. */
  async keysFor(kid: string): Promise<JSONWebKeySet> {
    const keys = await this.keys();
    if (hasKey(keys, kid) || this.age() < UNKNOWN_KID_REFETCH_MS) return keys;
    return this.fetch();
  }

  private async keys(): Promise<JSONWebKeySet> {
    return this.cached && this.age() < JWKS_MAX_AGE_MS ? this.cached.keys : this.fetch();
  }

  private age(): number {
    return this.cached ? this.now() - this.cached.fetchedAt : Infinity;
  }

  private fetch(): Promise<JSONWebKeySet> {
    this.fetching ??= this.fetchKeys()
      .then((keys) => (this.cached = { keys, fetchedAt: this.now() }).keys)
      .finally(() => (this.fetching = undefined));
    return this.fetching;
  }
}

export function hasKey(keys: JSONWebKeySet, kid: string): boolean {
  return keys.keys.some((key) => key.kid === kid);
}
