import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startAppServer, type AppServer } from "../../support/app-server";
import { appEnvFor, mintSessionToken } from "../../support/clerk-env";
import {
  hs256WithPublicKey,
  JWT_CATEGORY,
  sessionClaims,
  signWithInstanceKey,
  signWithOtherKey,
  tamper,
  unsignedToken,
} from "../../support/forge";
import { startTestEmulator, type TestEmulator } from "../support/emulator";

/**
 * Every 401 says why in its `code` (docs/token-route.md), and the log line says the same;
 * a forged token only ever hears bad_signature (docs/decisions/029-say-why-a-request-is-unauthorized.md).
 */

const ROUTE = "/api/get-token-example";
const PAGE_ORIGIN = "http://127.0.0.1";

let emulator: TestEmulator;
let app: AppServer;
/** Verifies session tokens through the Backend API's JWKS, as an app without CLERK_JWT_KEY does. */
let jwksApp: AppServer;

beforeAll(async () => {
  emulator = await startTestEmulator();
  const { CLERK_JWT_KEY: _, ...withoutJwtKey } = appEnvFor(emulator);
  [app, jwksApp] = await Promise.all([
    startAppServer(appEnvFor(emulator, { CLERK_AUTHORIZED_PARTIES: PAGE_ORIGIN })),
    startAppServer(withoutJwtKey),
  ]);
});

afterEach(() => emulator.setFaults({}));

afterAll(async () => {
  await Promise.all([app?.stop(), jwksApp?.stop()]);
  await emulator?.stop();
});

const now = () => Math.floor(Date.now() / 1000);
const claims = (overrides: Parameters<typeof sessionClaims>[1] = {}) =>
  sessionClaims(emulator.frontendApiHost, overrides);
const genuine = (overrides: Parameters<typeof sessionClaims>[1] = {}, header: Record<string, string> = {}) =>
  signWithInstanceKey(emulator.privateJwk, claims(overrides), header);
const forged = (overrides: Parameters<typeof sessionClaims>[1] = {}) =>
  signWithOtherKey(emulator.privateJwk.kid, claims(overrides));

/** Alice's genuine token made to say Bob, its signature kept. */
async function withClaimsChanged() {
  const [header, , signature] = (await genuine()).split(".");
  const payload = Buffer.from(JSON.stringify(claims({ sub: "user_seed_bob", sid: "sess_seed_bob" }))).toString(
    "base64url",
  );
  return [header, payload, signature].join(".");
}

const EXPIRED = () => ({ exp: now() - 120, iat: now() - 180, nbf: now() - 180 });
const NOT_YET = () => ({ nbf: now() + 600, iat: now() + 600, exp: now() + 900 });
const ISSUED_LATER = () => ({ iat: now() + 600, nbf: now() - 5, exp: now() + 900 });
const FOREIGN_AZP = { azp: "https://evil.example.test" };

async function answer(path: string, headers: HeadersInit = {}, server = app) {
  const response = await fetch(`${server.url}${path}`, { headers });
  return { status: response.status, headers: response.headers, body: await response.json() };
}
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

// First: the app without CLERK_JWT_KEY has not loaded Clerk's keys yet (they are kept once loaded).
describe("when the server cannot check a token", () => {
  it("answers 503 auth_unavailable while Clerk's keys cannot be loaded, then signs in once they can", async () => {
    const token = await mintSessionToken(emulator, "sess_seed_alice");
    emulator.setFaults({ errorRate: 1, errorStatuses: [503], pathPattern: "^/v1/jwks" });
    const refused = await answer("/api/me", bearer(token), jwksApp);
    expect(refused.status).toBe(503);
    expect(refused.body.code).toBe("auth_unavailable");
    expect(refused.headers.get("retry-after")).toBe("5");
    expect(jwksApp.output()).toContain("[auth] GET /api/me 503 auth_unavailable (Clerk: jwk-remote-failed-to-load)");

    emulator.setFaults({});
    expect((await answer("/api/me", bearer(token), jwksApp)).status).toBe(200);
  });
});

describe("each reason a request is not signed in has its code", () => {
  const cases: Array<[string, () => Promise<HeadersInit> | HeadersInit, string]> = [
    ["no credentials at all", () => ({}), "no_credentials"],
    ["an expired session token", async () => bearer(await genuine(EXPIRED())), "token_expired"],
    ["a session token not valid yet (nbf)", async () => bearer(await genuine(NOT_YET())), "token_not_yet_valid"],
    [
      "a session token issued in the future (iat)",
      async () => bearer(await genuine(ISSUED_LATER())),
      "token_not_yet_valid",
    ],
    [
      "a session token for another origin (azp)",
      async () => bearer(await genuine(FOREIGN_AZP)),
      "wrong_authorized_party",
    ],
    ["a session token whose claims were changed", async () => bearer(await withClaimsChanged()), "bad_signature"],
    [
      "a session token with a byte flipped, so it no longer decodes",
      async () => bearer(tamper(await genuine())),
      "malformed_token",
    ],
    ["a token signed with another key", async () => bearer(await forged()), "bad_signature"],
    ["alg: none", () => bearer(unsignedToken(emulator.privateJwk.kid, claims())), "bad_signature"],
    [
      "HS256 keyed with the public key",
      async () => bearer(await hs256WithPublicKey(emulator.jwtKey, emulator.privateJwk.kid, claims())),
      "bad_signature",
    ],
    ["Bearer garbage", () => bearer("garbage"), "malformed_token"],
    [
      "a session with tasks left (sts: pending)",
      async () => bearer(await genuine({ sts: "pending" })),
      "session_pending",
    ],
    [
      "a __session cookie without __client_uat",
      async () => ({ Cookie: `__session=${await genuine()}` }),
      "session_cookies_incomplete",
    ],
  ];

  it.each(cases)("%s → %s", async (_name, headersOf, code) => {
    const { status, headers, body } = await answer(ROUTE, await headersOf());
    expect(status).toBe(401);
    expect(body).toEqual({ code, message: expect.any(String) });
    expect(headers.get("www-authenticate")).toBe(code === "no_credentials" ? "Bearer" : 'Bearer error="invalid_token"');
    expect(app.output()).toContain(`[auth] GET ${ROUTE} 401 ${code} (Clerk: `);
  });

  it("says the same on /api/me", async () => {
    expect((await answer("/api/me", bearer(await genuine(EXPIRED())))).body.code).toBe("token_expired");
    expect((await answer("/api/me")).body.code).toBe("no_credentials");
  });
});

describe("a forged token learns nothing of the checks made before the signature", () => {
  it.each([
    ["expired", EXPIRED],
    ["not valid yet", NOT_YET],
    ["issued in the future", ISSUED_LATER],
    ["for another origin", () => FOREIGN_AZP],
  ])("%s and signed with another key → bad_signature, as a valid-looking forgery", async (_name, overrides) => {
    expect((await answer(ROUTE, bearer(await forged(overrides())))).body.code).toBe("bad_signature");
    expect((await answer(ROUTE, bearer(unsignedToken(emulator.privateJwk.kid, claims(overrides()))))).body.code).toBe(
      "bad_signature",
    );
  });

  it("and the messages name no origin, key, time or claim value", async () => {
    const messages = await Promise.all(
      [EXPIRED(), FOREIGN_AZP, NOT_YET()].map(
        async (overrides) => (await answer(ROUTE, bearer(await genuine(overrides)))).body.message,
      ),
    );
    for (const message of messages) {
      expect(message).not.toMatch(/127\.0\.0\.1|evil|kid|ins_|\d{9,}/);
    }
  });
});

describe("a token that is not a session token is refused on every route", () => {
  const ROUTES = ["/", "/api/me", ROUTE, "/tokens/test", "/templates"];

  it.each(ROUTES)(
    "%s: a template-category token (cat) signed by the instance → 401 not_a_session_token",
    async (path) => {
      const marked = await genuine({}, { cat: JWT_CATEGORY.template });
      const { status, body } = await answer(path, bearer(marked));
      expect(status).toBe(401);
      expect(body.code).toBe("not_a_session_token");
      // The same claims as a session token, with Clerk's session category or without any, sign in.
      for (const header of [{ cat: JWT_CATEGORY.session }, {}] as Array<Record<string, string>>) {
        const response = await fetch(`${app.url}${path}`, { headers: bearer(await genuine({}, header)) });
        expect(response.status, JSON.stringify(header)).toBe(200);
      }
    },
  );

  it("any other category counts as not a session token too, and so does a bare one without Bearer", async () => {
    expect((await answer("/api/me", bearer(await genuine({}, { cat: "cl_B7d4PD333AAA" })))).body.code).toBe(
      "not_a_session_token",
    );
    const marked = await genuine({}, { cat: JWT_CATEGORY.template });
    expect((await answer("/api/me", { Authorization: marked })).body.code).toBe("not_a_session_token");
    expect(app.output()).toContain("[auth] GET /api/me 401 not_a_session_token (Clerk: cat-header-not-session)");
  });

  it("a real template token (no sid) used as the Bearer credential → not_a_session_token", async () => {
    // The app without CLERK_AUTHORIZED_PARTIES: the template token's azp is the emulator's sign-in page.
    const session = await mintSessionToken(emulator, "sess_seed_alice");
    const { body } = await answer(`${ROUTE}?template=test`, bearer(session), jwksApp);
    const templateToken = body.token.jwt as string;
    expect((await answer(ROUTE, bearer(templateToken), jwksApp)).body.code).toBe("not_a_session_token");
    expect((await answer("/api/me", bearer(templateToken), jwksApp)).body.code).toBe("not_a_session_token");
  });
});

it("never logs a JWT", () => {
  expect(app.output() + jwksApp.output()).not.toMatch(/eyJ[\w-]+\.[\w-]+/);
});
