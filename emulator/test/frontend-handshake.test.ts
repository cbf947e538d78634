import { createHash } from "node:crypto";
import { createClerkClient } from "@clerk/backend";
import { importSPKI, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { specMissingReason, specValidationTitle, validateEveryResponse } from "./support/clerk-openapi";
import { callBackendApi } from "../../support/backend-api";
import { startTestEmulator, type TestEmulator } from "./support/emulator";
import { APP_ORIGIN, Browser, PROXY_URL, claimsOf, setCookieNamed } from "./support/frontend-api";
import { setTimeout as sleep } from "node:timers/promises";

// GET /v1/client/handshake: how an app's server renews an expired `__session` on a page load.

// Short, so a session token expires within the test.
const SESSION_TOKEN_LIFETIME_SECONDS = 1;

const spec = validateEveryResponse();
let test: TestEmulator;
let suffix: string;
beforeAll(async () => {
  test = await startTestEmulator({ sessionTokenLifetimeSeconds: SESSION_TOKEN_LIFETIME_SECONDS });
  suffix = createHash("sha1").update(test.emulator.publishableKey).digest("base64url").slice(0, 8);
});
afterAll(() => test.stop());

const PAGE_URL = `${APP_ORIGIN}/dashboard?tab=tokens`;

/** The handshake URL as the browser follows it, through the app's proxy, to the emulator. */
function handshakeUrl(query: Record<string, string>): string {
  return `/v1/client/handshake?${new URLSearchParams({ redirect_url: PAGE_URL, ...query })}`;
}

/** A signed-in browser with `__session` (as clerk-js writes it) beside the emulator's cookies. */
async function signedInBrowser() {
  const browser = new Browser(test.emulator);
  const { sessionId, body } = await browser.signIn("alice@example.com", "alice-password-1");
  const jwt: string = body.client.sessions[0].last_active_token.jwt;
  browser.cookies.set("__session", jwt);
  browser.cookies.set(`__session_${suffix}`, jwt);
  return { browser, sessionId, jwt };
}

describe("GET /v1/client/handshake", () => {
  it("redirects back with the app's new cookies in a signed __clerk_handshake token", async () => {
    const { browser, sessionId } = await signedInBrowser();
    const { status, headers, setCookies } = await browser.call("GET", handshakeUrl({}));
    expect(status).toBe(307);
    expect(headers.get("Location")).toBe(PAGE_URL);
    expect(headers.get("Cache-Control")).toBe("no-store");
    const cookie = setCookieNamed(setCookies, "__clerk_handshake");
    expect(cookie).toMatch(/^__clerk_handshake=[\w-]+\.[\w-]+\.[\w-]+; Path=\/; Max-Age=60; HttpOnly; SameSite=Lax$/);

    const token = cookie!.slice("__clerk_handshake=".length, cookie!.indexOf(";"));
    const { payload, protectedHeader } = await jwtVerify(token, await importSPKI(test.emulator.jwtKey, "RS256"));
    expect(protectedHeader).toMatchObject({ alg: "RS256", kid: test.emulator.privateJwk.kid });
    const directives = payload.handshake as string[];
    const uat = Number(/^__client_uat=(\d+);/.exec(directives[2]!)?.[1]);
    const session = /^__session=([^;]+); Path=\/; SameSite=Lax$/.exec(directives[4]!)?.[1];
    expect(directives).toEqual([
      "__clerk_handshake=; Path=/; Max-Age=0; SameSite=Lax",
      "__clerk_handshake_nonce=; Path=/; Max-Age=0; SameSite=Lax",
      `__client_uat=${uat}; Path=/; Max-Age=315360000; SameSite=Lax`,
      `__client_uat_${suffix}=${uat}; Path=/; Max-Age=315360000; SameSite=Lax`,
      `__session=${session}; Path=/; SameSite=Lax`,
      `__session_${suffix}=${session}; Path=/; SameSite=Lax`,
    ]);
    expect(uat).toBeGreaterThan(0);
    expect(claimsOf(session!)).toMatchObject({ sid: sessionId, sub: "user_seed_alice" });
    expect(claimsOf(session!).iat).toBeGreaterThanOrEqual(uat);
  });

  it("hands a large payload over by nonce when the backend accepts it, for the Backend API to fetch", async () => {
    const { browser } = await signedInBrowser();
    const { status, setCookies } = await browser.call("GET", handshakeUrl({ format: "nonce" }));
    expect(status).toBe(307);
    const cookie = setCookieNamed(setCookies, "__clerk_handshake_nonce");
    expect(cookie).toMatch(/^__clerk_handshake_nonce=[\w-]+; Path=\/; Max-Age=60; HttpOnly; SameSite=Lax$/);
    const nonce = cookie!.slice("__clerk_handshake_nonce=".length, cookie!.indexOf(";"));

    const payload = await callBackendApi(test.emulator, "GET", `/v1/clients/handshake_payload?nonce=${nonce}`);
    expect(payload.status).toBe(200);
    expect(payload.headers.get("Content-Type")).toBe("application/json");
    expect(payload.body.directives).toHaveLength(6);
    expect(payload.body.directives[4]).toMatch(/^__session=eyJ/);

    const unknown = await callBackendApi(test.emulator, "GET", "/v1/clients/handshake_payload?nonce=nope");
    expect(unknown.status).toBe(404);
    const withoutKey = await callBackendApi(test.emulator, "GET", `/v1/clients/handshake_payload?nonce=${nonce}`, {
      headers: {},
    });
    expect(withoutKey.status).toBe(401);
  });

  it("signs a browser without a signed-in client out", async () => {
    const { setCookies } = await new Browser(test.emulator).call("GET", handshakeUrl({ format: "nonce" }));
    // A small payload travels in the cookie even when the backend accepts a nonce.
    const cookie = setCookieNamed(setCookies, "__clerk_handshake")!;
    const { payload } = await jwtVerify(
      cookie.slice("__clerk_handshake=".length, cookie.indexOf(";")),
      await importSPKI(test.emulator.jwtKey, "RS256"),
    );
    expect(payload.handshake).toEqual([
      "__clerk_handshake=; Path=/; Max-Age=0; SameSite=Lax",
      "__clerk_handshake_nonce=; Path=/; Max-Age=0; SameSite=Lax",
      "__client_uat=0; Path=/; Max-Age=315360000; SameSite=Lax",
      `__client_uat_${suffix}=0; Path=/; Max-Age=315360000; SameSite=Lax`,
      "__session=; Path=/; Max-Age=0; SameSite=Lax",
      `__session_${suffix}=; Path=/; Max-Age=0; SameSite=Lax`,
    ]);
  });

  it.each([
    ["no redirect_url", "/v1/client/handshake", "form_param_missing"],
    ["a relative redirect_url", "/v1/client/handshake?redirect_url=%2Fdashboard", "form_param_format_invalid"],
    [
      "a javascript: redirect_url",
      "/v1/client/handshake?redirect_url=javascript%3Aalert(1)",
      "form_param_format_invalid",
    ],
    [
      "a redirect_url off the app's origin",
      "/v1/client/handshake?redirect_url=http%3A%2F%2Fevil.test%2F",
      "form_param_value_invalid",
    ],
  ])("answers 422 for %s", async (_, path, code) => {
    const { status, body } = await new Browser(test.emulator).call("GET", path);
    expect(status).toBe(422);
    expect(body.errors[0]).toMatchObject({ code, meta: { param_name: "redirect_url" } });
  });
});

describe("@clerk/backend's authenticateRequest", () => {
  const clerk = () =>
    createClerkClient({
      secretKey: test.emulator.secretKey,
      publishableKey: test.emulator.publishableKey,
      apiUrl: test.emulator.apiUrl,
    });

  /** A page load of the app by this browser, as the app's server receives it. */
  const pageLoad = (browser: Browser, url = PAGE_URL) =>
    new Request(url, {
      headers: { Accept: "text/html", "Sec-Fetch-Dest": "document", Cookie: browser.cookieHeader() },
    });

  const options = () => ({
    publishableKey: test.emulator.publishableKey,
    secretKey: test.emulator.secretKey,
    proxyUrl: PROXY_URL,
    jwtKey: test.emulator.jwtKey,
  });

  /** Follows the app server's handshake redirect: through the app's proxy to the emulator, and back. */
  async function followHandshake(browser: Browser, location: string) {
    expect(location.startsWith(`${PROXY_URL}/v1/client/handshake?`)).toBe(true);
    const redirect = await browser.call("GET", location.slice(PROXY_URL.length));
    expect(redirect.status).toBe(307);
    return redirect.headers.get("Location")!;
  }

  it("turns an expired __session into a signed-in state with new cookies, via the handshake", async () => {
    const { browser, sessionId, jwt } = await signedInBrowser();
    const expiredAt = claimsOf(jwt).exp * 1000;
    await sleep(Math.max(0, expiredAt - Date.now()) + 1100);

    // Almost no clock skew allowance (0 would mean the default 5 s): the token has just expired.
    const expired = await clerk().authenticateRequest(pageLoad(browser), { ...options(), clockSkewInMs: 1 });
    expect(expired.status).toBe("handshake");
    expect(expired.reason).toMatch(/^session-token-expired/);
    const backToPage = await followHandshake(browser, expired.headers.get("Location")!);
    expect(backToPage).toBe(PAGE_URL);

    const resolved = await clerk().authenticateRequest(pageLoad(browser, backToPage), options());
    expect(resolved.status).toBe("signed-in");
    expect(resolved.toAuth()).toMatchObject({ userId: "user_seed_alice", sessionId });
    // The backend asked for a nonce, the payload was large enough to need one, and it fetched it.
    expect(test.logLines).toContainEqual(expect.stringMatching(/^GET \/v1\/clients\/handshake_payload 200 \d+ms$/));
    const newCookies = resolved.headers.getSetCookie();
    expect(newCookies.map((cookie) => cookie.slice(0, cookie.indexOf("=")))).toEqual([
      "__clerk_handshake",
      "__clerk_handshake_nonce",
      "__client_uat",
      `__client_uat_${suffix}`,
      "__session",
      `__session_${suffix}`,
    ]);
    browser.keep(newCookies);
    expect(browser.cookies.get("__session")).not.toBe(jwt);
    expect(browser.cookies.has("__clerk_handshake_nonce")).toBe(false);

    const next = await clerk().authenticateRequest(pageLoad(browser), options());
    expect(next.status).toBe("signed-in");
    expect(next.toAuth()).toMatchObject({ sessionId });
  });

  it("signs out a browser whose session ended, clearing __client_uat", async () => {
    const { browser } = await signedInBrowser();
    const staleCookies = new Map(browser.cookies);
    await browser.call("DELETE", "/v1/client/sessions");
    // The app's cookies are as they were before the sign-out reached them.
    for (const [name, value] of staleCookies) browser.cookies.set(name, value);
    browser.cookies.delete("__session");
    browser.cookies.delete(`__session_${suffix}`);

    const stale = await clerk().authenticateRequest(pageLoad(browser), options());
    expect(stale.status).toBe("handshake");
    expect(stale.reason).toBe("client-uat-but-no-session-token");
    const backToPage = await followHandshake(browser, stale.headers.get("Location")!);

    // Signed out, the payload is small: it came in the __clerk_handshake cookie itself.
    expect(browser.cookies.has("__clerk_handshake")).toBe(true);
    const resolved = await clerk().authenticateRequest(pageLoad(browser, backToPage), options());
    expect(resolved.status).toBe("signed-out");
    expect(resolved.headers.getSetCookie()).toContain("__client_uat=0; Path=/; Max-Age=315360000; SameSite=Lax");
  });
});

describe.skipIf(specMissingReason !== undefined)(specValidationTitle, () => {
  it("checked every response the tests above received", () => {
    expect(spec.checkedCount()).toBeGreaterThanOrEqual(15);
  });
});
