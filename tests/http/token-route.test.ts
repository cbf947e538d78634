import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppServer, type AppServer } from "../../support/app-server";
import { startTestEmulator, type TestEmulator } from "../support/emulator";
import { appEnvFor, mintSessionToken, SEEDED_TEMPLATES, revokeSession } from "../../support/clerk-env";
import { tamper } from "../../support/forge";

const ROUTE = "/api/get-token-example";
const UNKNOWN_TO_CLERK = "not-in-clerk";

let emulator: TestEmulator;
let app: AppServer;
let aliceToken: string;

beforeAll(async () => {
  emulator = await startTestEmulator();
  app = await startAppServer(
    appEnvFor(emulator, { CLERK_JWT_TEMPLATES: [...SEEDED_TEMPLATES, UNKNOWN_TO_CLERK].join(",") }),
  );
  aliceToken = await mintSessionToken(emulator, "sess_seed_alice");
});

afterAll(async () => {
  await app?.stop();
  await emulator?.stop();
});

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const get = (path: string, headers: HeadersInit = {}) => fetch(`${app.url}${path}`, { headers });

function expectTokenApiHeaders(response: Response) {
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  expect(response.headers.get("cache-control")).toBe("no-store");
  expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  expect(response.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
  expect(response.headers.get("access-control-allow-origin")).toBeNull();
}

async function verifyWithEmulatorJwks(jwt: string) {
  const jwks = createRemoteJWKSet(new URL(`${emulator.apiUrl}/v1/jwks`), {
    headers: { Authorization: `Bearer ${emulator.secretKey}` },
  });
  return jwtVerify(jwt, jwks);
}

describe(`GET ${ROUTE} over HTTP`, () => {
  it("answers a request without a session with 401 JSON and WWW-Authenticate: Bearer", async () => {
    const response = await get(ROUTE);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe("Bearer");
    expectTokenApiHeaders(response);
    expect(await response.json()).toEqual({ code: "no_credentials", message: expect.any(String) });
  });

  it("is routed without regard to case, as an API answer with the API's headers", async () => {
    const response = await get(ROUTE.toUpperCase());
    expect(response.status).toBe(401);
    expectTokenApiHeaders(response);
  });

  it("hands a Bearer session token's user their `test` template token, signed by the instance key", async () => {
    const response = await get(ROUTE, bearer(aliceToken));
    expect(response.status).toBe(200);
    expectTokenApiHeaders(response);
    const body = await response.json();
    expect(Object.keys(body)).toEqual(["token"]);
    expect(Object.keys(body.token)).toEqual(["jwt"]);

    const { payload, protectedHeader } = await verifyWithEmulatorJwks(body.token.jwt);
    expect(protectedHeader.alg).toBe("RS256");
    expect(payload.sub).toBe("user_seed_alice");
    expect(payload.iss).toBe(`https://${emulator.frontendApiHost}`);
    expect(payload.sid).toBeUndefined();
    expect(payload.exp! - payload.iat!).toBeGreaterThan(0);
  });

  it("renders the `profile` template's shortcodes for the signed-in user", async () => {
    const response = await get(`${ROUTE}?template=profile`, bearer(aliceToken));
    expect(response.status).toBe(200);
    const { payload } = await verifyWithEmulatorJwks((await response.json()).token.jwt);
    expect(payload.sub).toBe("user_seed_alice");
    expect(JSON.stringify(payload)).toContain("alice@example.com");
  });

  it("returns the HS256 template token signed with the template's own key", async () => {
    const response = await get(`${ROUTE}?template=partner-hs256`, bearer(aliceToken));
    expect(response.status).toBe(200);
    const { token } = await response.json();
    expect(decodeProtectedHeader(token.jwt).alg).toBe("HS256");
  });

  it("accepts the session from the __session cookie with __client_uat", async () => {
    const { iat } = decodeJwt(aliceToken);
    const response = await get(ROUTE, { Cookie: `__session=${aliceToken}; __client_uat=${iat}` });
    expect(response.status).toBe(200);
    const { payload } = await verifyWithEmulatorJwks((await response.json()).token.jwt);
    expect(payload.sub).toBe("user_seed_alice");
  });

  it("keeps each user's tokens their own", async () => {
    const bobToken = await mintSessionToken(emulator, "sess_seed_bob");
    const response = await get(ROUTE, bearer(bobToken));
    const { payload } = await verifyWithEmulatorJwks((await response.json()).token.jwt);
    expect(payload.sub).toBe("user_seed_bob");
  });

  it("refuses a session token that is not valid with 401 JSON and the API's headers (each reason: auth-reasons.test.ts)", async () => {
    const response = await get(ROUTE, bearer(tamper(aliceToken)));
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
    expectTokenApiHeaders(response);
    expect(Object.keys(await response.json()).sort()).toEqual(["code", "message"]);
  });

  it("answers 404 template_not_found for an allowed template Clerk does not have", async () => {
    const response = await get(`${ROUTE}?template=${UNKNOWN_TO_CLERK}`, bearer(aliceToken));
    expect(response.status).toBe(404);
    expectTokenApiHeaders(response);
    const body = await response.json();
    expect(body.code).toBe("template_not_found");
    expect(body.message).toContain(UNKNOWN_TO_CLERK);
  });

  it.each([
    ["not on the allowlist", "?template=firebase"],
    ["empty", "?template="],
    ["a path", "?template=..%2Ftest"],
    ["too long", `?template=${"a".repeat(1024)}`],
    ["not a plausible name", "?template=%F0%9F%94%91"],
    ["given twice", "?template=test&template=profile"],
  ])("answers 400 for a template name that is %s, without calling Clerk", async (_name, query) => {
    const response = await get(`${ROUTE}${query}`, bearer(aliceToken));
    expect(response.status).toBe(400);
    expectTokenApiHeaders(response);
    const body = await response.json();
    expect(body.code).toBe("template_not_allowed");
    expect(body.allowedTemplates).toEqual([...SEEDED_TEMPLATES, UNKNOWN_TO_CLERK]);
    expect(body.message).toContain("test, profile, partner-hs256");
  });

  it.each(["POST", "PUT", "DELETE", "PATCH"])("answers %s with 405 and Allow: GET, HEAD", async (method) => {
    const response = await fetch(`${app.url}${ROUTE}`, { method, headers: bearer(aliceToken) });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
    expectTokenApiHeaders(response);
    expect((await response.json()).code).toBe("method_not_allowed");
  });

  it("answers HEAD like GET, without a body", async () => {
    const response = await fetch(`${app.url}${ROUTE}`, { method: "HEAD" });
    expect(response.status).toBe(401);
    expect(await response.text()).toBe("");
  });

  it("answers 401 session_not_active once Clerk has revoked the session, though its token is unexpired", async () => {
    const bobToken = await mintSessionToken(emulator, "sess_seed_bob");
    await revokeSession(emulator, "sess_seed_bob");
    // Bob's token from an earlier test may still be reused (see token-cache.test.ts): ask Clerk afresh.
    const response = await get(ROUTE, { ...bearer(bobToken), "Cache-Control": "no-cache" });
    expect(response.status).toBe(401);
    expect((await response.json()).code).toBe("session_not_active");
  });

  it("never shows the secret key in its answers or logs a JWT", async () => {
    const response = await get(`${ROUTE}?template=${UNKNOWN_TO_CLERK}`, bearer(aliceToken));
    expect(await response.text()).not.toContain(emulator.secretKey);
    expect(app.output()).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
  });
});
