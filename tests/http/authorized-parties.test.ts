import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppServer, type AppServer } from "../../support/app-server";
import { appEnvFor } from "../../support/clerk-env";
import { startTestEmulator, type TestEmulator } from "../support/emulator";
import { sessionClaims, signWithInstanceKey } from "../../support/forge";

/**
 * CLERK_AUTHORIZED_PARTIES: the app accepts session tokens only from the origins it lists
 * (their `azp`), Clerk's defence against a session token leaked from a sibling subdomain.
 */

const ROUTE = "/api/get-token-example";
const APP_ORIGIN = "https://app.example.test";

let emulator: TestEmulator;
let app: AppServer;

beforeAll(async () => {
  emulator = await startTestEmulator();
  app = await startAppServer(appEnvFor(emulator, { CLERK_AUTHORIZED_PARTIES: `${APP_ORIGIN},http://localhost:3000` }));
});

afterAll(async () => {
  await app?.stop();
  await emulator?.stop();
});

/** A valid session token for Alice's seeded session, from the page at this origin. */
const tokenFrom = (azp: string) =>
  signWithInstanceKey(emulator.privateJwk, sessionClaims(emulator.frontendApiHost, { azp }));

describe("with CLERK_AUTHORIZED_PARTIES set", () => {
  it("accepts a session token from a listed origin", async () => {
    const response = await fetch(`${app.url}${ROUTE}`, {
      headers: { Authorization: `Bearer ${await tokenFrom(APP_ORIGIN)}` },
    });
    expect(response.status).toBe(200);
  });

  it("answers 401 to a valid session token whose azp is another origin, by header or cookie", async () => {
    const foreign = await tokenFrom("https://evil.example.test");
    const byHeader = await fetch(`${app.url}${ROUTE}`, { headers: { Authorization: `Bearer ${foreign}` } });
    expect(byHeader.status).toBe(401);
    expect((await byHeader.json()).code).toBe("wrong_authorized_party");

    const iat = Math.floor(Date.now() / 1000) - 1;
    const byCookie = await fetch(`${app.url}${ROUTE}`, {
      headers: { Cookie: `__session=${foreign}; __client_uat=${iat}` },
    });
    expect(byCookie.status).toBe(401);
    expect((await byCookie.json()).code).toBe("wrong_authorized_party");
  });
});
