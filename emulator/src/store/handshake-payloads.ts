import { randomBytes } from "node:crypto";
import { HANDSHAKE_PAYLOAD_LIFETIME_MS } from "./lifetimes";

/** A handshake's cookie directives, kept for the backend to fetch by nonce (Clerk's `format=nonce`). */
export class HandshakePayloadStore {
  private readonly payloads = new Map<string, { directives: string[]; expire_at: number }>();

  /** Keeps the directives, dropping expired ones, and returns the nonce that names them. */
  save(directives: string[]): string {
    const now = Date.now();
    for (const [nonce, payload] of this.payloads) {
      if (payload.expire_at <= now) this.payloads.delete(nonce);
    }
    const nonce = randomBytes(24).toString("base64url");
    this.payloads.set(nonce, { directives, expire_at: now + HANDSHAKE_PAYLOAD_LIFETIME_MS });
    return nonce;
  }

  get(nonce: string): string[] | undefined {
    const payload = this.payloads.get(nonce);
    return payload && payload.expire_at > Date.now() ? payload.directives : undefined;
  }
}
