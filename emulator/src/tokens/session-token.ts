import type { ActiveMembership } from "../store/organizations";
import type { JsonObject } from "../store/json";
import type { SessionRecord } from "../store/sessions";
import type { UserRecord } from "../store/users";
import { renderClaims } from "./jwt-template";
import { sessionTokenOrganizationClaims } from "./organization-claims";
import { defaultClaims, nowInSeconds, signWithInstanceKey, TOKEN_CATEGORY, type TokenIssuer } from "./signing";

// Backdating nbf a little keeps a fresh token valid on a server whose clock runs slightly behind.
const SESSION_TOKEN_CLOCK_SKEW_SECONDS = 10;

/** Factor verification age in minutes: [first factor, second factor], -1 = no second factor. */
export function factorVerificationAge(session: SessionRecord, nowSeconds = nowInSeconds()): [number, number] {
  return [Math.max(0, Math.floor((nowSeconds * 1000 - session.created_at) / 60_000)), -1];
}

/**
 * A Clerk session token (claims v2), as the Backend API and Frontend API mint it, for an organization or
 * none, with the instance's customized claims (`customClaims`) rendered for its user; Clerk's own claims win.
 */
export function mintSessionToken(options: {
  issuer: TokenIssuer;
  session: SessionRecord;
  user: UserRecord;
  customClaims: JsonObject;
  lifetimeSeconds: number;
  organization?: ActiveMembership | null;
  now?: number;
}): Promise<string> {
  const { issuer, session, now = nowInSeconds() } = options;
  const claims = {
    ...renderClaims(options.customClaims, options.user, options.organization),
    ...defaultClaims({
      issuer: issuer.issuer,
      session,
      now,
      lifetimeSeconds: options.lifetimeSeconds,
      clockSkewSeconds: SESSION_TOKEN_CLOCK_SKEW_SECONDS,
    }),
    fva: factorVerificationAge(session, now),
    sid: session.id,
    v: 2,
    // Only a pending session says so; SDKs treat `sts: "pending"` as signed out.
    ...(session.status === "pending" ? { sts: "pending" } : {}),
    ...(options.organization && sessionTokenOrganizationClaims(options.organization)),
  };
  return signWithInstanceKey(claims, issuer, TOKEN_CATEGORY.sessionToken);
}
