import { randomBytes } from "node:crypto";
import { SignJWT, type CryptoKey, type JWTPayload } from "jose";
import type { SessionRecord } from "../store/sessions";

/** What minting needs to know about the instance. */
export interface TokenIssuer {
  /** `https://<frontend api host>`: the `iss` of every token the instance mints. */
  issuer: string;
  kid: string;
  signingKey: CryptoKey;
}

export function nowInSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** The claims every Clerk token carries, session token or template token: azp exp iat iss jti nbf sub. */
export function defaultClaims(options: {
  issuer: string;
  session: SessionRecord;
  now: number;
  lifetimeSeconds: number;
  clockSkewSeconds: number;
}): JWTPayload {
  const { issuer, session, now } = options;
  return {
    // The app's origin when a browser signed in; the Backend API alone cannot know it.
    azp: session.origin ?? issuer,
    exp: now + options.lifetimeSeconds,
    iat: now,
    iss: issuer,
    jti: randomBytes(10).toString("hex"),
    nbf: now - options.clockSkewSeconds,
    sub: session.user_id,
  };
}

/**
 * What Clerk marks a JWT as in its `cat` header, as @clerk/backend 3.16.10 names the values
 * (dist/tokens/jwtCategories.d.ts: JWT_CATEGORY_SESSION_TOKEN, JWT_CATEGORY_JWT_TEMPLATE; 3.16.9,
 * where the check began, is not on npm). From that release on, @clerk/backend refuses a token
 * of any category but a session token's where a session token is expected; 2.x ignores `cat`.
 */
export const TOKEN_CATEGORY = { sessionToken: "cl_B7d4PD111AAA", jwtTemplate: "cl_B7d4PD222AAA" } as const;
export type TokenCategory = (typeof TOKEN_CATEGORY)[keyof typeof TOKEN_CATEGORY];

/** Signs with the instance key; `category` becomes the `cat` header, as on Clerk's session, handshake and template tokens. */
export function signWithInstanceKey(
  claims: JWTPayload,
  issuer: TokenIssuer,
  category?: TokenCategory,
): Promise<string> {
  const header = { alg: "RS256", kid: issuer.kid, typ: "JWT", ...(category && { cat: category }) };
  return new SignJWT(claims).setProtectedHeader(header).sign(issuer.signingKey);
}
