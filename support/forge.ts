import { SignJWT, generateKeyPair, importJWK, type JWK, type JWTPayload } from "jose";
import { randomUUID } from "node:crypto";

/** Session-token claims like Clerk's, for a seeded session, that a test can bend. */
export function sessionClaims(frontendApiHost: string, overrides: JWTPayload = {}): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return {
    azp: "http://127.0.0.1",
    iss: `https://${frontendApiHost}`,
    sub: "user_seed_alice",
    sid: "sess_seed_alice",
    iat: now,
    nbf: now - 5,
    exp: now + 60,
    jti: randomUUID(),
    v: 2,
    ...overrides,
  };
}

/** Clerk's `cat` header values (@clerk/backend 3.16.10, dist/tokens/jwtCategories.d.ts). */
export const JWT_CATEGORY = { session: "cl_B7d4PD111AAA", template: "cl_B7d4PD222AAA" } as const;

/**
 * Signs claims with the emulator's own instance key: valid unless the claims say otherwise.
 * `header` adds to the protected header, such as Clerk's `cat`.
 */
export async function signWithInstanceKey(
  privateJwk: JWK,
  claims: JWTPayload,
  header: Record<string, string> = {},
): Promise<string> {
  const key = await importJWK(privateJwk, "RS256");
  return new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: privateJwk.kid, typ: "JWT", ...header }).sign(key);
}

/** Signs claims with a key Clerk never issued, under the instance key's `kid`. */
export async function signWithOtherKey(kid: string | undefined, claims: JWTPayload): Promise<string> {
  const { privateKey } = await generateKeyPair("RS256");
  return new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid, typ: "JWT" }).sign(privateKey);
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** An unsigned token (`alg: none`): accepting it would let anyone be anyone. */
export function unsignedToken(kid: string | undefined, claims: JWTPayload): string {
  return `${base64url({ alg: "none", kid, typ: "JWT" })}.${base64url(claims)}.`;
}

/** HS256 keyed with the public key's PEM: the classic algorithm-confusion attack. */
export async function hs256WithPublicKey(publicKeyPem: string, kid: string | undefined, claims: JWTPayload) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", kid, typ: "JWT" })
    .sign(new TextEncoder().encode(publicKeyPem));
}

/** The same token with one character of its payload changed. */
export function tamper(jwt: string): string {
  const [header, payload, signature] = jwt.split(".");
  const flipped = payload!.slice(0, 10) + (payload![10] === "A" ? "B" : "A") + payload!.slice(11);
  return [header, flipped, signature].join(".");
}
