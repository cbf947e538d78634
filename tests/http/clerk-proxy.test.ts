import { once } from "node:events";
import { createServer, type IncomingHttpHeaders } from "node:http";
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
let recorder: ReturnType<typeof createServer>;
const forwarded: Forwarded[] = [];

beforeAll(async () => {
  recorder = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    forwarded.push({ method: req.method!, url: req.url!, headers: req.headers, body });
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
  app = await startAppServer(appEnvFor(emulator, { CLERK_FRONTEND_API_URL: `http://127.0.0.1:${port}` }));
});

afterAll(async () => {
  await app?.stop();
  await emulator?.stop();
  recorder?.close();
});

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
});
