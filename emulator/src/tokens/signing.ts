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

export function signWithInstanceKey(claims: JWTPayload, issuer: TokenIssuer): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: issuer.kid, typ: "JWT" }).sign(issuer.signingKey);
}
