import { request } from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, type TestEmulator } from "./support/emulator";

// The Frontend API over https on a host name, as a browser with its own keys reaches Clerk's:
// `clerk.<site>` for production, with a certificate the emulator makes at start.

const SITE = "example.test";
let test: TestEmulator;
beforeAll(async () => {
  test = await startTestEmulator({ frontendApiHostname: `clerk.${SITE}` });
});
afterAll(() => test.stop());

/** An https request to the Frontend API's name, resolved to 127.0.0.1, trusting only its certificate. */
function callFrontendApi(path: string, init: { method?: string; headers?: Record<string, string> } = {}) {
  const url = new URL(path, test.emulator.frontendApiUrl);
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>(
    (resolve, reject) => {
      const outgoing = request(
        url,
        {
          method: init.method ?? "GET",
          headers: init.headers,
          ca: test.emulator.certificatePem,
          lookup: (_hostname, _options, callback) => callback(null, [{ address: "127.0.0.1", family: 4 }]),
        },
        (response) => {
          let body = "";
          response.on("data", (chunk) => (body += chunk));
          response.on("end", () => resolve({ status: response.statusCode!, headers: response.headers, body }));
        },
      );
      outgoing.on("error", reject);
      outgoing.end();
    },
  );
}

describe("the Frontend API on https://clerk.<site>", () => {
  it("is named by the publishable key and the issuer of its tokens", () => {
    const { publishableKey, frontendApiHost, frontendApiUrl } = test.emulator;
    expect(frontendApiHost).toMatch(new RegExp(`^clerk\\.${SITE.replace(".", "\\.")}:\\d+$`));
    expect(frontendApiUrl).toBe(`https://${frontendApiHost}`);
    expect(Buffer.from(publishableKey.slice("pk_live_".length), "base64").toString()).toBe(`${frontendApiHost}$`);
    // The Backend API stays on plain http at 127.0.0.1, where CLERK_API_URL points.
    expect(test.emulator.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(test.emulator.certificateSpkiSha256).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });

  it("serves clerk-js where Clerk's hosts do, over a certificate for its name", async () => {
    const script = await callFrontendApi("/npm/@clerk/clerk-js@5/dist/clerk.browser.js");
    expect(script.status).toBe(200);
    expect(script.headers["content-type"]).toBe("application/javascript; charset=utf-8");
  });

  it("sets the cookies the app reads for the whole site, Secure, and answers its pages' CORS", async () => {
    const origin = `https://app.${SITE}:8443`;
    const client = await callFrontendApi("/v1/client", { headers: { Origin: origin } });
    expect(client.status).toBe(200);
    expect(client.headers["access-control-allow-origin"]).toBe(origin);
    expect(client.headers["access-control-allow-credentials"]).toBe("true");
    expect(client.headers["set-cookie"]).toContainEqual(
      `__client_uat=0; Path=/; Domain=${SITE}; Max-Age=315360000; Secure; SameSite=Lax`,
    );

    const foreign = await callFrontendApi("/v1/client", { headers: { Origin: "https://app.elsewhere.test" } });
    expect(foreign.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("sends handshakes back to its own site only", async () => {
    const handshake = (redirectUrl: string) =>
      callFrontendApi(`/v1/client/handshake?${new URLSearchParams({ redirect_url: redirectUrl })}`);
    const home = await handshake(`https://app.${SITE}/tokens`);
    expect(home.status).toBe(307);
    expect(home.headers["set-cookie"]).toContainEqual(
      expect.stringMatching(new RegExp(`^__clerk_handshake=[\\w.-]+; Path=/; Domain=${SITE}; Max-Age=60; HttpOnly`)),
    );
    const away = await handshake("https://evil.test/steal");
    expect(away.status).toBe(422);
    expect(JSON.parse(away.body).errors[0]).toMatchObject({ code: "form_param_value_invalid" });
  });
});
