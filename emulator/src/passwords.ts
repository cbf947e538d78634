import { randomBytes, scrypt, timingSafeEqual, type BinaryLike } from "node:crypto";
import { promisify } from "node:util";

const scryptAsync = promisify(scrypt) as (password: BinaryLike, salt: BinaryLike, keyLength: number) => Promise<Buffer>;

const KEY_LENGTH = 32;
const SCHEME = "scrypt";

/** A salted scrypt digest, `scrypt$<salt>$<key>` (base64url), so the store never holds a password. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, KEY_LENGTH);
  return [SCHEME, salt.toString("base64url"), key.toString("base64url")].join("$");
}

/** Whether the password is the one the digest was made from, compared in constant time. */
export async function verifyPassword(password: string, digest: string): Promise<boolean> {
  const [scheme, salt, key] = digest.split("$");
  if (scheme !== SCHEME || salt === undefined || key === undefined) return false;
  const expected = Buffer.from(key, "base64url");
  if (expected.length !== KEY_LENGTH) return false;
  const actual = await scryptAsync(password, Buffer.from(salt, "base64url"), KEY_LENGTH);
  return timingSafeEqual(actual, expected);
}
