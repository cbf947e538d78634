import { once } from "node:events";
import {
  createServer,
  request,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
} from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppServer, type AppServer } from "../../support/app-server";
import { appEnvFor } from "../../support/clerk-env";
import { startTestEmulator, type TestEmulator } from "../support/emulator";

/**
 * The app's side of Clerk's proxy contract, seen by the server it forwards to
 * (a recorder on 127.0.0.1 standing where the Frontend API would be).
 */

interface Forwarded {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let emulator: TestEmulator;
let app: AppServer;
/** Behind one proxy (TRUST_PROXY=1), with a 1 s CLERK_PROXY_TIMEOUT_MS. */
let behindProxy: AppServer;
/** CLERK_PROXY_URL as a full URL. */
let fullUrl: AppServer;
let recorder: ReturnType<typeof createServer>;
const forwarded: Forwarded[] = [];

beforeAll(async () => {
  recorder = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    forwarded.push({ method: req.method!, url: req.url!, headers: req.headers, body });
    // A Frontend API that never answers.
    if (req.url!.startsWith("/v1/hang")) return;
    res.writeHead(307, {
      Location: "http://127.0.0.1/elsewhere",
      "Set-Cookie": "__client_uat=123; Path=/; SameSite=Lax",
    });
    res.end();
  });
  recorder.listen(0, "127.0.0.1");
  await once(recorder, "listening");
  const { port } = recorder.address() as { port: number };
  emulator = await startTestEmulator();
  const toRecorder = { CLERK_FRONTEND_API_URL: `http://127.0.0.1:${port}` };
  [app, behindProxy, fullUrl] = await Promise.all([
    startAppServer(appEnvFor(emulator, toRecorder)),
    startAppServer(appEnvFor(emulator, { ...toRecorder, TRUST_PROXY: "1", CLERK_PROXY_TIMEOUT_MS: "1000" })),
    startAppServer(appEnvFor(emulator, { ...toRecorder, CLERK_PROXY_URL: "https://app.example.com/__clerk" })),
  ]);
});

afterAll(async () => {
  await Promise.all([app?.stop(), behindProxy?.stop(), fullUrl?.stop()]);
  await emulator?.stop();
  recorder?.closeAllConnections();
  recorder?.close();
});

/** What the client claims about itself and hop-by-hop headers, which fetch() will not send. */
const CLIENT_CLAIMS: OutgoingHttpHeaders = {
  "X-Forwarded-Proto": "https",
  "X-Forwarded-Host": "evil.example",
  "X-Forwarded-For": "6.6.6.6",
  Forwarded: "for=6.6.6.6;host=evil.example",
  "Proxy-Authorization": "Basic c2VjcmV0",
  TE: "trailers",
  Connection: "X-Hop, keep-alive",
  "X-Hop": "this hop only",
};

/** A GET through the app's proxy with exactly these headers; what reached the Frontend API. */
async function forwardedThrough(server: AppServer, path: string, headers: OutgoingHttpHeaders): Promise<Forwarded> {
  const before = forwarded.length;
  const response = await new Promise<IncomingMessage>((resolve, reject) =>
    request(`${server.url}${path}`, { headers }, resolve).on("error", reject).end(),
  );
  response.resume();
  await once(response, "end");
  expect(forwarded.length).toBe(before + 1);
  return forwarded[before]!;
}

describe("the Clerk Frontend API proxy at CLERK_PROXY_URL", () => {
  it("forwards method, path, query, body and cookies, adding Clerk's proxy headers", async () => {
    const response = await fetch(`${app.url}/__clerk/v1/client/sign_ins?_clerk_js_version=5&x=1`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: "__client=abc" },
      body: "identifier=alice%40example.com&locale=en-US",
      redirect: "manual",
    });
    const [call] = forwarded.slice(-1);
    expect(call).toMatchObject({
      method: "POST",
      url: "/v1/client/sign_ins?_clerk_js_version=5&x=1",
      body: "identifier=alice%40example.com&locale=en-US",
    });
    expect(call!.headers["clerk-proxy-url"]).toBe(`${app.url}/__clerk`);
    expect(call!.headers["clerk-secret-key"]).toBe(emulator.secretKey);
    expect(call!.headers["x-forwarded-for"]).toMatch(/127\.0\.0\.1/);
    expect(call!.headers.cookie).toBe("__client=abc");

    // The Frontend API's answer comes back as it is: redirects are not followed, cookies pass.
    expect(response.status).toBe(307);
    expect(response.headers.get("location")).toBe("http://127.0.0.1/elsewhere");
    expect(response.headers.get("set-cookie")).toBe("__client_uat=123; Path=/; SameSite=Lax");
  });

  it("forwards nothing outside its path", async () => {
    const before = forwarded.length;
    await fetch(`${app.url}/__clerkish/v1/client`);
    await fetch(`${app.url}/api/me`);
    expect(forwarded.length).toBe(before);
  });

  it("builds Clerk's headers from what this server knows, not from what the client claims", async () => {
    const call = await forwardedThrough(app, "/__clerk/v1/client", CLIENT_CLAIMS);
    expect(call.headers["clerk-proxy-url"]).toBe(`${app.url}/__clerk`);
    expect(call.headers["x-forwarded-for"]).toBe("127.0.0.1");
    for (const name of ["x-forwarded-host", "x-forwarded-proto", "forwarded", "proxy-authorization", "te", "x-hop"]) {
      expect(call.headers[name], name).toBeUndefined();
    }
  });

  it("under TRUST_PROXY=1, takes the origin and the client's address from the proxy in front", async () => {
    const call = await forwardedThrough(behindProxy, "/__clerk/v1/client", CLIENT_CLAIMS);
    expect(call.headers["clerk-proxy-url"]).toBe("https://evil.example/__clerk");
    expect(call.headers["x-forwarded-for"]).toBe("6.6.6.6, 127.0.0.1");
    expect(call.headers["proxy-authorization"]).toBeUndefined();
  });

  it("sends a full-URL CLERK_PROXY_URL as configured", async () => {
    const call = await forwardedThrough(fullUrl, "/__clerk/v1/client", CLIENT_CLAIMS);
    expect(call.headers["clerk-proxy-url"]).toBe("https://app.example.com/__clerk");
  });

  it("answers 504 JSON once the Frontend API has not answered within CLERK_PROXY_TIMEOUT_MS", async () => {
    const started = performance.now();
    const response = await fetch(`${behindProxy.url}/__clerk/v1/hang`);
    const waitedMs = performance.now() - started;
    expect(response.status).toBe(504);
    expect((await response.json()).errors[0].code).toBe("proxy_timeout");
    expect(waitedMs).toBeGreaterThanOrEqual(1000);
    expect(waitedMs).toBeLessThan(5000);
  });
});
