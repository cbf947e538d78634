import { randomBytes } from "node:crypto";
import { TESTING_TOKEN_LIFETIME_MS } from "./lifetimes";

/** A testing token as `POST /v1/testing_tokens` returns it; `expires_at` in seconds. */
export interface TestingTokenRecord {
  token: string;
  expires_at: number;
}

/**
 * Testing tokens, which let automated browsers past Clerk's bot protection when they carry
 * one as `__clerk_testing_token`. Shaped like Clerk's (`<issued at>-<random>`); kept in memory.
 */
export class TestingTokenStore {
  private readonly expiries = new Map<string, number>();

  issue(now = Date.now()): TestingTokenRecord {
    for (const [token, expiresAt] of this.expiries) {
      if (expiresAt <= now) this.expiries.delete(token);
    }
    const token = `${Math.floor(now / 1000)}-${randomBytes(24).toString("base64url")}`;
    const expiresAt = now + TESTING_TOKEN_LIFETIME_MS;
    this.expiries.set(token, expiresAt);
    return { token, expires_at: Math.floor(expiresAt / 1000) };
  }

  /** Whether this instance issued the token and it has not expired. */
  isValid(token: string, now = Date.now()): boolean {
    return (this.expiries.get(token) ?? 0) > now;
  }
}
