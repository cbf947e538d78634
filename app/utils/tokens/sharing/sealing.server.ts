import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";

/**
 * What makes a Redis dump or `MONITOR` useless to a reader: key names are
 * HMACs of what they stand for (no session id, user id or template name), and
 * values are sealed with AES-256-GCM, bound to their key name so a value moved
 * to another key no longer opens. Both keys are derived from CLERK_SECRET_KEY
 * (HKDF), so every server of one Clerk instance derives the same ones and
 * nothing new has to be distributed; rotating the secret key empties the store.
 */
export interface Sealing {
  /** A Redis key name for these parts, e.g. name("token", sessionId, template). */
  name(kind: string, ...parts: string[]): string;
  seal(boundTo: string, value: unknown): string;
  /** The sealed value, or undefined when it does not open (tampered, moved, or sealed with another key). */
  open<T>(boundTo: string, sealed: string): T | undefined;
}

const KEY_PREFIX = "rct:";
const SALT = "remix-clerk-tokens shared token reuse";
const IV_BYTES = 12;
const TAG_BYTES = 16;

function derive(secretKey: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync("sha256", secretKey, SALT, purpose, 32));
}

export function sealingFor(secretKey: string): Sealing {
  const nameKey = derive(secretKey, "redis key names v1");
  const valueKey = derive(secretKey, "redis values v1");
  return {
    name(kind, ...parts) {
      const digest = createHmac("sha256", nameKey)
        .update(JSON.stringify([kind, ...parts]))
        .digest("base64url");
      return `${KEY_PREFIX}${kind}:${digest}`;
    },
    seal(boundTo, value) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", valueKey, iv).setAAD(Buffer.from(boundTo));
      const body = Buffer.concat([cipher.update(JSON.stringify(value), "utf8"), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64");
    },
    open<T>(boundTo: string, sealed: string): T | undefined {
      try {
        const bytes = Buffer.from(sealed, "base64");
        const decipher = createDecipheriv("aes-256-gcm", valueKey, bytes.subarray(0, IV_BYTES))
          .setAAD(Buffer.from(boundTo))
          .setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        const plain = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
        return JSON.parse(plain.toString("utf8")) as T;
      } catch {
        return undefined;
      }
    },
  };
}
