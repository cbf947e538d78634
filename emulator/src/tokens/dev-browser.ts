import { randomBytes } from "node:crypto";
import { importJWK, jwtVerify, type CryptoKey, type JWK } from "jose";
import { signWithInstanceKey, type TokenIssuer } from "./signing";

/**
 * A development instance's browsers are known by their dev browser JWT, which clerk-js keeps
 * in the `__clerk_db_jwt` cookie on the app's host and appends to every Frontend API call
 * (cookies cannot cross from the app's site to the Frontend API's). Each names one client,
 * by the same secret a production browser's `__client` cookie holds; signed with the instance
 * key, so that the emulator keeps no table of them.
 */
export interface DevBrowsers {
  /** A dev browser JWT for the client whose cookie token this is. */
  issue(clientCookieToken: string): Promise<string>;
  /** The client cookie token a dev browser JWT names, if it is one this instance issued. */
  clientCookieTokenOf(jwt: string): Promise<string | undefined>;
}

export async function devBrowsers(issuer: TokenIssuer, publicJwk: JWK): Promise<DevBrowsers> {
  const publicKey = (await importJWK(publicJwk, "RS256")) as CryptoKey;
  return {
    issue: (clientCookieToken) =>
      signWithInstanceKey(
        {
          sub: `dvb_${randomBytes(12).toString("hex")}`,
          client: clientCookieToken,
          iat: Math.floor(Date.now() / 1000),
        },
        issuer,
      ),
    async clientCookieTokenOf(jwt) {
      try {
        const { payload } = await jwtVerify(jwt, publicKey, { algorithms: ["RS256"] });
        return typeof payload.client === "string" ? payload.client : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
