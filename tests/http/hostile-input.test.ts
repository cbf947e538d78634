import { decodeJwt, generateKeyPair, SignJWT, type JWTPayload } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppServer, type AppServer } from "../../support/app-server";
import { startTestEmulator, type TestEmulator } from "../support/emulator";
import { appEnvFor, mintSessionToken } from "../../support/clerk-env";
import {
  hs256WithPublicKey,
  sessionClaims,
  signWithInstanceKey,
  signWithOtherKey,
  tamper,
  unsignedToken,
} from "../../support/forge";
import { rawRequest } from "../support/raw-http";
import { cookieSuffix } from "../../emulator/src/routes/frontend/cookies";

/**
 * Hostile and malformed requests against the built server over real sockets.
 * Every answer must be deliberate: the expected status, JSON with a message,
 * no HTML, no stack trace, no secret.
 */

const ROUTE = "/api/get-token-example";

let emulator: TestEmulator;
let app: AppServer;
let valid: string;

beforeAll(async () => {
  emulator = await startTestEmulator();
  app = await startAppServer(appEnvFor(emulator));
  valid = await mintSessionToken(emulator, "sess_seed_alice");
});

afterAll(async () => {
  await app?.stop();
  await emulator?.stop();
});

const now = () => Math.floor(Date.now() / 1000);
const claims = (overrides: JWTPayload = {}) => sessionClaims(emulator.frontendApiHost, overrides);
const signed = (overrides: JWTPayload = {}) => signWithInstanceKey(emulator.privateJwk, claims(overrides));
const withoutClaim = async (name: string) => {
  const { [name]: _dropped, ...rest } = claims();
  return signWithInstanceKey(emulator.privateJwk, rest);
};
const iatOf = (jwt: string) => decodeJwt(jwt).iat!;
/** Three base64url segments around any JSON at all, the last a stand-in signature. */
const unsignedJwt = (header: string, payload: string) =>
  `${Buffer.from(header).toString("base64url")}.${Buffer.from(payload).toString("base64url")}.c2ln`;

const get = (path = ROUTE, ...headers: string[]) => [`GET ${path} HTTP/1.1`, ...headers].join("\r\n");
const bearer = (token: string) => get(ROUTE, `Authorization: Bearer ${token}`);
const cookies = (cookie: string, ...headers: string[]) => get(ROUTE, `Cookie: ${cookie}`, ...headers);
const withTemplate = (query: string) => get(`${ROUTE}?${query}`, `Authorization: Bearer ${valid}`);
const method = (verb: string) =>
  [`${verb} ${ROUTE} HTTP/1.1`, `Authorization: Bearer ${valid}`, "Content-Length: 0"].join("\r\n");

type Case = { name: string; guards: string; status: number; request: () => string | Promise<string> };

const cases: Case[] = [
  // Forged or broken session tokens: signature and algorithm checks.
  {
    name: "alg: none",
    guards: "accepting unsigned tokens",
    status: 401,
    request: () => bearer(unsignedToken(emulator.privateJwk.kid, claims())),
  },
  {
    name: "HS256 keyed with the RSA public key",
    guards: "algorithm confusion",
    status: 401,
    request: async () => bearer(await hs256WithPublicKey(emulator.jwtKey, emulator.privateJwk.kid, claims())),
  },
  {
    name: "unknown kid",
    guards: "trusting keys the instance never published",
    status: 401,
    request: async () => bearer(await signWithOtherKey("ins_unknown", claims())),
  },
  {
    name: "another key under the instance kid",
    guards: "kid-only key selection",
    status: 401,
    request: async () => bearer(await signWithOtherKey(emulator.privateJwk.kid, claims())),
  },
  {
    name: "bad signature",
    guards: "unverified signatures",
    status: 401,
    request: () => bearer(`${valid.slice(0, -6)}AAAAAA`),
  },
  {
    name: "tampered payload",
    guards: "changing claims after signing",
    status: 401,
    request: () => bearer(tamper(valid)),
  },
  {
    name: "expired",
    guards: "replaying old tokens",
    status: 401,
    request: async () => bearer(await signed({ iat: now() - 300, nbf: now() - 300, exp: now() - 60 })),
  },
  {
    name: "nbf in the future",
    guards: "tokens used before their time",
    status: 401,
    request: async () => bearer(await signed({ nbf: now() + 600, iat: now(), exp: now() + 900 })),
  },
  {
    name: "iat in the future",
    guards: "pre-dated tokens",
    status: 401,
    request: async () => bearer(await signed({ iat: now() + 600, nbf: now() - 5, exp: now() + 900 })),
  },
  {
    name: "no exp",
    guards: "tokens that never expire",
    status: 401,
    request: async () => bearer(await withoutClaim("exp")),
  },
  {
    name: "no sub",
    guards: "tokens naming no user",
    status: 401,
    request: async () => bearer(await withoutClaim("sub")),
  },
  {
    name: "no sid",
    guards: "calling Clerk without a session id",
    status: 401,
    request: async () => bearer(await withoutClaim("sid")),
  },
  {
    name: "typ other than JWT",
    guards: "other token types passed off as session tokens",
    status: 401,
    request: async () =>
      bearer(
        await new SignJWT(claims())
          .setProtectedHeader({ alg: "RS256", kid: emulator.privateJwk.kid, typ: "at+jwt" })
          .sign((await generateKeyPair("RS256")).privateKey),
      ),
  },
  {
    name: "truncated to two segments",
    guards: "parser crashes",
    status: 401,
    request: () => bearer(valid.split(".").slice(0, 2).join(".")),
  },
  { name: "non-base64 segments", guards: "parser crashes", status: 401, request: () => bearer("@@@.###.$$$") },
  { name: "a 16 KB token", guards: "oversized headers", status: 431, request: () => bearer("a".repeat(16 * 1024)) },
  { name: "non-ASCII characters", guards: "encoding confusion", status: 401, request: () => bearer(`${valid}é日本`) },
  {
    name: "control characters",
    guards: "header injection",
    status: 400,
    request: () => bearer(`${valid}\u0001\u0007`),
  },
  // The Authorization header itself.
  {
    name: "lowercase bearer",
    guards: "scheme parsing: Clerk expects 'Bearer '",
    status: 401,
    request: () => get(ROUTE, `Authorization: bearer ${valid}`),
  },
  {
    name: "Bearer with no token",
    guards: "empty credentials",
    status: 401,
    request: () => get(ROUTE, "Authorization: Bearer"),
  },
  {
    name: "Bearer and spaces",
    guards: "empty credentials",
    status: 401,
    request: () => get(ROUTE, "Authorization: Bearer    "),
  },
  {
    name: "Basic credentials",
    guards: "other schemes",
    status: 401,
    request: () => get(ROUTE, "Authorization: Basic YWxpY2U6cGFzc3dvcmQ="),
  },
  {
    name: "two Authorization headers",
    guards: "ambiguity about the caller",
    status: 400,
    request: () => get(ROUTE, `Authorization: Bearer ${valid}`, "Authorization: Bearer other"),
  },
  // Cookies and header together.
  {
    name: "valid cookie, invalid header",
    guards: "the header is the credential when present",
    status: 401,
    request: () => cookies(`__session=${valid}; __client_uat=${iatOf(valid)}`, "Authorization: Bearer not-a-token"),
  },
  {
    name: "invalid cookie, valid header",
    guards: "a stale cookie must not block an API client",
    status: 200,
    request: () => cookies(`__session=garbage; __client_uat=1`, `Authorization: Bearer ${valid}`),
  },
  {
    name: "__client_uat newer than the token",
    guards: "a session signed out elsewhere",
    status: 401,
    request: () => cookies(`__session=${valid}; __client_uat=${iatOf(valid) + 100}`),
  },
  {
    name: "__client_uat=0",
    guards: "a signed-out client",
    status: 401,
    request: () => cookies(`__session=${valid}; __client_uat=0`),
  },
  {
    name: "session cookie without __client_uat",
    guards: "cookies set by something other than Clerk",
    status: 401,
    request: () => cookies(`__session=${valid}`),
  },
  {
    name: "garbage cookies",
    guards: "cookie parser crashes",
    status: 401,
    request: () => cookies("__session=%%%; __client_uat=abc; =;;"),
  },
  // Cookies @clerk/backend throws on (any page on the site can plant one): dropped, not a 500.
  {
    name: "__session that is not a JWT",
    guards: "one planted cookie locking the user out",
    status: 401,
    request: () => cookies("__session=a.b.c"),
  },
  {
    name: "__session that is not a JWT, with __client_uat",
    guards: "one planted cookie locking the user out",
    status: 401,
    request: () => cookies("__session=a.b.c; __client_uat=1"),
  },
  {
    name: "suffixed __session that is not a JWT",
    guards: "one planted cookie locking the user out",
    status: 401,
    request: () => {
      const suffix = cookieSuffix(emulator.publishableKey);
      return cookies(`__session${suffix}=a.b.c; __client_uat${suffix}=1`);
    },
  },
  {
    name: "__session whose header and claims are null",
    guards: "Clerk reading claims before verifying them",
    status: 401,
    request: () => cookies(`__session=${unsignedJwt("null", "null")}; __client_uat=1`),
  },
  {
    name: "__session whose iss is a number",
    guards: "Clerk reading claims before verifying them",
    status: 401,
    request: () => cookies(`__session=${unsignedJwt('{"alg":"RS256"}', '{"iss":1}')}; __client_uat=1`),
  },
  {
    name: "__session that is not a JWT, valid Bearer",
    guards: "a planted cookie blocking an API client",
    status: 200,
    request: () => cookies("__session=a.b.c; __client_uat=1", `Authorization: Bearer ${valid}`),
  },
  {
    name: "an unrelated cookie with a bad escape, valid Bearer",
    guards: "a planted cookie blocking an API client",
    status: 200,
    request: () => cookies("pref=%C0", `Authorization: Bearer ${valid}`),
  },
  {
    name: "an unrelated cookie with a bad escape, valid session cookies",
    guards: "dropping more than the unreadable cookie",
    status: 200,
    request: () => cookies(`pref=%C0; __session=${valid}; __client_uat=${iatOf(valid)}`),
  },
  {
    name: "an escaped separator hiding a __session in another cookie",
    guards: "Clerk decoding the whole header before splitting it",
    status: 401,
    request: () => cookies("pref=x%3B__session=a.b.c"),
  },
  // Request targets and Host headers that cannot form a URL.
  ...[
    ["Host with credentials", "a@b"],
    ["Host of an unclosed IPv6", "[::1"],
    ["Host with a space", "a b"],
    ["Host with port 99999", "x:99999"],
  ].map(([name, host]) => ({
    name: name!,
    guards: "URL construction crashes",
    status: 400,
    request: () => get(ROUTE, `Host: ${host}`),
  })),
  { name: "OPTIONS *", guards: "asterisk-form targets", status: 400, request: () => "OPTIONS * HTTP/1.1" },
  {
    name: "an absolute-form target",
    guards: "RFC 9112 §3.2.2: answered like origin-form",
    status: 200,
    request: () => [`GET http://127.0.0.1:3000${ROUTE} HTTP/1.1`, `Authorization: Bearer ${valid}`].join("\r\n"),
  },
  {
    name: "an unusable X-Forwarded-Host",
    guards: "trusting forwarding headers no proxy set (TRUST_PROXY off)",
    status: 200,
    request: () => get(ROUTE, `Authorization: Bearer ${valid}`, "X-Forwarded-Host: a b"),
  },
  {
    name: "a malformed escape in the path",
    guards: "Express's own error page, which shows a stack without NODE_ENV",
    status: 400,
    request: () => get("/api/%E0%A4%A"),
  },
  // Paths Express and Remix could read differently: the API's guards must see the route Remix runs.
  ...[
    ["DELETE through an escaped letter", "/%61pi/get-token-example"],
    ["DELETE through a dot segment", "/x/../api/get-token-example"],
    ["DELETE through a backslash", "/api\\get-token-example"],
  ].map(([name, path]) => ({
    name: name!,
    guards: "skipping the read-only API guard",
    status: 405,
    request: () => `DELETE ${path} HTTP/1.1\r\nContent-Length: 0`,
  })),
  // Template names.
  {
    name: "template ../",
    guards: "path traversal into Clerk's API",
    status: 400,
    request: () => withTemplate("template=../users"),
  },
  {
    name: "template %2F",
    guards: "encoded path separators",
    status: 400,
    request: () => withTemplate("template=test%2F..%2Fjwks"),
  },
  {
    name: "template in unicode",
    guards: "look-alike names",
    status: 400,
    request: () => withTemplate("template=t%D0%B5st"),
  },
  {
    name: "template of 1 KB",
    guards: "oversized names",
    status: 400,
    request: () => withTemplate(`template=${"a".repeat(1024)}`),
  },
  { name: "empty template", guards: "empty names", status: 400, request: () => withTemplate("template=") },
  {
    name: "template twice",
    guards: "parameter pollution",
    status: 400,
    request: () => withTemplate("template=test&template=profile"),
  },
  {
    name: "template with a NUL byte",
    guards: "string truncation",
    status: 400,
    request: () => withTemplate("template=test%00"),
  },
  {
    name: "template in another case",
    guards: "loose allowlist matching",
    status: 400,
    request: () => withTemplate("template=TEST"),
  },
  {
    name: "malformed percent-encoding",
    guards: "decoder crashes",
    status: 400,
    request: () => withTemplate("template=%E0%A4%A"),
  },
  {
    name: "an oversized query string",
    guards: "oversized URLs",
    status: 431,
    request: () => withTemplate(`x=${"a".repeat(20 * 1024)}`),
  },
  {
    name: "an oversized header",
    guards: "oversized headers",
    status: 431,
    request: () => get(ROUTE, `X-Padding: ${"a".repeat(20 * 1024)}`),
  },
  // Methods.
  { name: "POST", guards: "state-changing methods on a read-only route", status: 405, request: () => method("POST") },
  { name: "PUT", guards: "state-changing methods", status: 405, request: () => method("PUT") },
  { name: "DELETE", guards: "state-changing methods", status: 405, request: () => method("DELETE") },
  { name: "PATCH", guards: "state-changing methods", status: 405, request: () => method("PATCH") },
  {
    name: "OPTIONS",
    guards: "CORS preflights: the route is same-origin or Bearer only",
    status: 405,
    request: () => method("OPTIONS"),
  },
];

describe("hostile input to the token route", () => {
  it("has at least 40 cases", () => expect(cases.length).toBeGreaterThanOrEqual(40));

  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_name, { status, request }) => {
    const response = await rawRequest(app.url, await request());
    expect(response.status).toBe(status);
    expect(response.headers["content-type"]).toMatch(/^application\/json/);
    const body = JSON.parse(response.body);
    if (status !== 200) expect(typeof body.message).toBe("string");
    // The read-only API guard answered, not Remix.
    if (status === 405) expect(response.headers.allow).toBe("GET, HEAD");
    expect(response.body).not.toMatch(/<html|\n\s+at |node_modules/i);
    expect(response.body).not.toContain(emulator.secretKey);
  });

  it("answers the API's own headers on a path Express and Remix could read differently", async () => {
    const response = await rawRequest(
      app.url,
      get("/%61pi/get-token-example", `Authorization: Bearer ${valid}`, "Accept-Encoding: gzip"),
    );
    expect(response.status).toBe(200);
    expect(response.headers["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(response.headers["content-encoding"]).toBeUndefined();
  });

  it("serves the signed-out page, not a 500, to a browser with a planted __session", async () => {
    const response = await rawRequest(app.url, get("/", "Cookie: __session=a.b.c; __client_uat=1"));
    expect(response.status).toBe(200);
    expect(response.body).toContain("Sign in");
  });

  it("never made the server fail, log a stack or log a token", () => {
    expect(app.output()).not.toMatch(/ 5\d\d \d/);
    expect(app.output()).not.toMatch(/\n\s+at /);
    expect(app.output()).not.toMatch(/eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{8,}/);
  });
});
