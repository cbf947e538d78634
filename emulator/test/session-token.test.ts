import { decodeProtectedHeader, importJWK, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { mintSessionToken } from "../src/tokens/session-token";
import { NOW, sessionRecord, testIssuer, userRecord } from "./support/fixtures";
import { claimsOf } from "./support/frontend-api";

/** The session's user, and no session token customization (Clerk's default). */
const uncustomized = { user: userRecord(), customClaims: {} };

describe("mintSessionToken", () => {
  it("mints v2 session-token claims signed RS256 under the instance kid", async () => {
    const { issuer, publicJwk } = await testIssuer();
    const session = sessionRecord({ created_at: (NOW - 7 * 60) * 1000 });
    const jwt = await mintSessionToken({ issuer, session, ...uncustomized, lifetimeSeconds: 60, now: NOW });

    // Clerk's session-token category (@clerk/backend 3.16.10, dist/tokens/jwtCategories.d.ts).
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: "RS256", kid: "ins_test", typ: "JWT", cat: "cl_B7d4PD111AAA" });
    const { payload } = await jwtVerify(jwt, await importJWK(publicJwk, "RS256"), {
      currentDate: new Date(NOW * 1000),
    });
    expect(payload).toEqual({
      azp: "https://127.0.0.1:4010",
      exp: NOW + 60,
      fva: [7, -1],
      iat: NOW,
      iss: "https://127.0.0.1:4010",
      jti: expect.any(String),
      nbf: NOW - 10,
      sid: "sess_john",
      sub: "user_john",
      v: 2,
    });
  });

  it("says sts: pending only for a pending session", async () => {
    const { issuer } = await testIssuer();
    const pending = await mintSessionToken({
      issuer,
      session: sessionRecord({ status: "pending" }),
      ...uncustomized,
      lifetimeSeconds: 60,
    });
    const active = await mintSessionToken({ issuer, session: sessionRecord(), ...uncustomized, lifetimeSeconds: 60 });
    expect(claimsOf(pending).sts).toBe("pending");
    expect(claimsOf(active)).not.toHaveProperty("sts");
  });

  it("uses the lifetime it is given and the app origin as azp when known", async () => {
    const { issuer } = await testIssuer();
    const session = sessionRecord({ origin: "http://127.0.0.1:3000" });
    const jwt = await mintSessionToken({ issuer, session, ...uncustomized, lifetimeSeconds: 3600, now: NOW });
    const claims = claimsOf(jwt);
    expect(claims).toMatchObject({ exp: NOW + 3600, azp: "http://127.0.0.1:3000" });
  });

  it("adds the instance's customized claims rendered for the user, under Clerk's own claims", async () => {
    const { issuer } = await testIssuer();
    const user = userRecord({ public_metadata: { role: "admin", plan: "pro" } });
    const customClaims = {
      metadata: "{{user.public_metadata}}",
      sub: "someone else",
      greeting: "hi {{user.first_name}}",
    };
    const jwt = await mintSessionToken({ issuer, session: sessionRecord(), user, customClaims, lifetimeSeconds: 60 });
    expect(claimsOf(jwt)).toMatchObject({
      metadata: { role: "admin", plan: "pro" },
      sub: "user_john",
      greeting: `hi ${user.first_name}`,
    });
  });
});
