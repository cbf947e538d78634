import { createHash } from "node:crypto";
import { createClerkClient } from "@clerk/backend";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { specMissingReason, specValidationTitle, validateEveryResponse } from "./support/clerk-openapi";
import { startTestEmulator, type TestEmulator } from "./support/emulator";
import { APP_ORIGIN, Browser, claimsOf } from "./support/frontend-api";

// A development instance (`pk_test_`): browsers are known by their dev browser, which clerk-js
// appends to every Frontend API call as `__clerk_db_jwt`, and the handshake hands its result
// back in the URL (cookies cannot cross from the Frontend API's site to the app's).

const ALICE = { email: "alice@example.com", password: "alice-password-1" };
const PAGE_URL = `${APP_ORIGIN}/tokens/test?tab=claims`;

const spec = validateEveryResponse();
let test: TestEmulator;
let suffix: string;
beforeAll(async () => {
  test = await startTestEmulator({ instance: "development" });
  suffix = createHash("sha1").update(test.emulator.publishableKey).digest("base64url").slice(0, 8);
});
afterAll(() => test.stop());

describe("a development instance", () => {
  it("has pk_test_ and sk_test_ keys, the publishable key naming its Frontend API host", () => {
    const { publishableKey, secretKey, frontendApiHost } = test.emulator;
    expect(secretKey).toMatch(/^sk_test_[\w-]+$/);
    expect(publishableKey.startsWith("pk_test_")).toBe(true);
    expect(Buffer.from(publishableKey.slice("pk_test_".length), "base64").toString()).toBe(`${frontendApiHost}$`);
    expect(test.emulator.instanceKind).toBe("development");
  });

  it("answers POST /v1/dev_browser with a dev browser JWT, and refuses calls without one", async () => {
    const browser = await Browser.withDevBrowser(test.emulator);
    expect(browser.devBrowser).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);

    const client = await browser.call("GET", "/v1/client");
    expect(client.status).toBe(200);
    // The dev browser names the client: no cookie on the Frontend API's host is needed or set.
    expect(client.setCookies).toEqual([]);
    expect(client.headers.get("Access-Control-Allow-Origin")).toBe(APP_ORIGIN);
    expect(client.headers.get("Access-Control-Allow-Credentials")).toBe("true");

    for (const devBrowser of [undefined, "not-a-jwt", `${browser.devBrowser}x`]) {
      const refused = await new Browser(test.emulator, devBrowser).call("GET", "/v1/client");
      expect(refused.status).toBe(401);
      expect(refused.body.errors[0].code).toBe("dev_browser_unauthenticated");
    }
    const environment = await browser.call("GET", "/v1/environment");
    expect(environment.body.display_config.instance_environment_type).toBe("development");
    // clerk-js touches the environment of a development instance on load (POST with _method=PATCH).
    const touched = await browser.call("PATCH", "/v1/environment");
    expect(touched.status).toBe(200);
    expect(touched.body).toEqual(environment.body);
  });

  it("signs in and up by dev browser; another dev browser sees none of it", async () => {
    const alice = await Browser.withDevBrowser(test.emulator);
    const { sessionId, setCookies } = await alice.signIn(ALICE.email, ALICE.password);
    expect(setCookies).toEqual([]);
    expect((await alice.clientState()).sessions.map((session: { id: string }) => session.id)).toEqual([sessionId]);
    const token = await alice.call("POST", `/v1/client/sessions/${sessionId}/tokens`);
    expect(claimsOf(token.body.jwt)).toMatchObject({ sid: sessionId, azp: APP_ORIGIN });

    const stranger = await Browser.withDevBrowser(test.emulator);
    expect((await stranger.clientState()).sessions).toEqual([]);
    expect((await stranger.call("POST", `/v1/client/sessions/${sessionId}/tokens`)).status).toBe(404);

    const newcomer = await Browser.withDevBrowser(test.emulator);
    const signedUp = await newcomer.signUp(`dev-${Date.now()}@example.com`, "a-new-password-42");
    expect((await newcomer.clientState()).sessions[0].id).toBe(signedUp.sessionId);
  });
});

describe("@clerk/backend's authenticateRequest with a development instance", () => {
  const clerk = () =>
    createClerkClient({
      secretKey: test.emulator.secretKey,
      publishableKey: test.emulator.publishableKey,
      apiUrl: test.emulator.apiUrl,
    });
  const options = () => ({
    publishableKey: test.emulator.publishableKey,
    secretKey: test.emulator.secretKey,
    jwtKey: test.emulator.jwtKey,
  });
  /** A page load of the app with these cookies (a name=value map), as the app's server receives it. */
  const pageLoad = (url: string, cookies: Map<string, string>) =>
    new Request(url, {
      headers: {
        Accept: "text/html",
        "Sec-Fetch-Dest": "document",
        Cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join("; "),
      },
    });
  /** The browser follows the app's redirect to the Frontend API's handshake and back. */
  async function followHandshake(location: string): Promise<URL> {
    const handshake = new URL(location);
    expect(`${handshake.origin}${handshake.pathname}`).toBe(
      `https://${test.emulator.frontendApiHost}/v1/client/handshake`,
    );
    const response = await fetch(`${test.emulator.url}${handshake.pathname}${handshake.search}`, {
      redirect: "manual",
    });
    expect(response.status).toBe(307);
    expect(response.headers.getSetCookie()).toEqual([]);
    return new URL(response.headers.get("Location")!);
  }
  /** Applies the app's `Set-Cookie` answers to the app's cookie jar. */
  const keep = (cookies: Map<string, string>, setCookies: string[]) => {
    for (const setCookie of setCookies) {
      const pair = setCookie.slice(0, setCookie.indexOf(";"));
      const name = pair.slice(0, pair.indexOf("="));
      if (setCookie.includes("Max-Age=0")) cookies.delete(name);
      else cookies.set(name, pair.slice(name.length + 1));
    }
  };

  it("gives a first page load a dev browser through the handshake, signed out", async () => {
    const cookies = new Map<string, string>();
    const first = await clerk().authenticateRequest(pageLoad(PAGE_URL, cookies), options());
    expect(first.status).toBe("handshake");
    expect(first.reason).toBe("dev-browser-missing");

    const back = await followHandshake(first.headers.get("Location")!);
    expect(back.searchParams.get("__clerk_db_jwt")).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    // The payload holds two dev browser JWTs: too large for the URL, so it goes by nonce.
    expect(back.searchParams.get("__clerk_handshake_nonce")).toMatch(/^[\w-]+$/);

    const resolved = await clerk().authenticateRequest(pageLoad(back.href, cookies), options());
    expect(resolved.status).toBe("signed-out");
    // Back to the page itself, without the handshake's query, and with the dev browser in cookies.
    expect(resolved.headers.get("Location")).toBe(PAGE_URL);
    keep(cookies, resolved.headers.getSetCookie());
    expect(cookies.get("__clerk_db_jwt")).toBe(back.searchParams.get("__clerk_db_jwt"));
    expect(cookies.get(`__clerk_db_jwt_${suffix}`)).toBe(back.searchParams.get("__clerk_db_jwt"));

    const next = await clerk().authenticateRequest(pageLoad(PAGE_URL, cookies), options());
    expect(next.status).toBe("signed-out");
    expect(next.reason).toBe("session-token-and-uat-missing");
  });

  it("renews a signed-in dev browser's session cookies through the handshake", async () => {
    const browser = await Browser.withDevBrowser(test.emulator);
    const { sessionId } = await browser.signIn(ALICE.email, ALICE.password);
    // clerk-js keeps the dev browser in a cookie on the app's host; __session and __client_uat are missing.
    const cookies = new Map([["__clerk_db_jwt", browser.devBrowser!]]);
    const stale = await clerk().authenticateRequest(pageLoad(PAGE_URL, cookies), options());
    expect(stale.status).toBe("signed-out");
    cookies.set("__client_uat", String(Math.floor(Date.now() / 1000)));

    const missing = await clerk().authenticateRequest(pageLoad(PAGE_URL, cookies), options());
    expect(missing.status).toBe("handshake");
    expect(new URL(missing.headers.get("Location")!).searchParams.get("__clerk_db_jwt")).toBe(browser.devBrowser);
    const back = await followHandshake(missing.headers.get("Location")!);
    expect(back.searchParams.get("__clerk_db_jwt")).toBe(browser.devBrowser);

    const resolved = await clerk().authenticateRequest(pageLoad(back.href, cookies), options());
    expect(resolved.status).toBe("signed-in");
    expect(resolved.toAuth()).toMatchObject({ userId: "user_seed_alice", sessionId });
    keep(cookies, resolved.headers.getSetCookie());
    const next = await clerk().authenticateRequest(pageLoad(PAGE_URL, cookies), options());
    expect(next.status).toBe("signed-in");
  });
});

describe.skipIf(specMissingReason !== undefined)(specValidationTitle, () => {
  it("checked every response the tests above received", () => {
    expect(spec.checkedCount()).toBeGreaterThanOrEqual(15);
  });
});
