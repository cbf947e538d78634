import type { SessionRecord } from "../store";
import { defaultClaims, nowInSeconds, signWithInstanceKey, type TokenIssuer } from "./signing";

// Backdating nbf a little keeps a fresh token valid on a server whose clock runs slightly behind.
const SESSION_TOKEN_CLOCK_SKEW_SECONDS = 10;

/** A Clerk session token (claims v2), as the Backend API and Frontend API mint it. */
export function mintSessionToken(options: {
  issuer: TokenIssuer;
  session: SessionRecord;
  lifetimeSeconds: number;
  now?: number;
}): Promise<string> {
  const { issuer, session, now = nowInSeconds() } = options;
  const minutesSinceSignIn = Math.max(0, Math.floor((now * 1000 - session.created_at) / 60_000));
  const claims = {
    ...defaultClaims({
      issuer: issuer.issuer,
      session,
      now,
      lifetimeSeconds: options.lifetimeSeconds,
      clockSkewSeconds: SESSION_TOKEN_CLOCK_SKEW_SECONDS,
    }),
    // Factor verification age in minutes: [first factor, second factor], -1 = no second factor.
    fva: [minutesSinceSignIn, -1],
    sid: session.id,
    v: 2,
    // Only a pending session says so; SDKs treat `sts: "pending"` as signed out.
    ...(session.status === "pending" ? { sts: "pending" } : {}),
  };
  return signWithInstanceKey(claims, issuer);
}
