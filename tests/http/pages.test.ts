import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, startAppServer, type AppServer } from "../../support/app-server";
import { startTestEmulator, type TestEmulator } from "../support/emulator";
import { appEnvFor, mintSessionToken } from "../../support/clerk-env";

const JWT_IN_TEXT = /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{8,}/;

let emulator: TestEmulator;
let app: AppServer;

beforeAll(async () => {
  emulator = await startTestEmulator();
  app = await startAppServer(appEnvFor(emulator));
});

afterAll(async () => {
  await app?.stop();
  await emulator?.stop();
});

function nonceOf(response: Response): string | undefined {
  return response.headers.get("content-security-policy")?.match(/'nonce-([^']+)'/)?.[1];
}

describe("pages", () => {
  it("carry a Content-Security-Policy whose nonce is fresh per request and on every script", async () => {
    const first = await fetch(`${app.url}/`);
    const second = await fetch(`${app.url}/`);
    expect(first.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const nonce = nonceOf(first);
    expect(nonce).toMatch(/^[A-Za-z0-9+/=]{20,}$/);
    expect(nonceOf(second)).not.toBe(nonce);

    const policy = first.headers.get("content-security-policy")!;
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("'strict-dynamic'");
    expect(policy).not.toContain("'unsafe-eval'");

    const html = await first.text();
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
  });

  it("carry the other security headers", async () => {
    const response = await fetch(`${app.url}/sign-in`);
    expect(response.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("permissions-policy")).toContain("camera=()");
    expect(response.headers.get("x-powered-by")).toBeNull();
  });

  it("are compressed, while the token API's answers are sent whole and never pass through compression", async () => {
    const acceptGzip = { "Accept-Encoding": "gzip" };
    const page = await fetch(`${app.url}/`, { headers: acceptGzip });
    expect(page.headers.get("content-encoding")).toBe("gzip");

    // Compressing secrets next to data an attacker can choose leaks them (BREACH).
    const sessionToken = await mintSessionToken(emulator, "sess_seed_alice");
    for (const route of ["/api/get-token-example", "/api/me"]) {
      const answer = await fetch(`${app.url}${route}`, {
        headers: { ...acceptGzip, Authorization: `Bearer ${sessionToken}` },
      });
      expect(answer.status).toBe(200);
      expect(answer.headers.get("content-type")).toBe("application/json");
      expect(answer.headers.get("content-encoding")).toBeNull();
      expect(answer.headers.get("vary") ?? "").not.toMatch(/accept-encoding/i);
      // Whole, with its length, not streamed in chunks.
      const body = await answer.arrayBuffer();
      expect(Number(answer.headers.get("content-length"))).toBe(body.byteLength);
    }
  });
});

describe("error pages", () => {
  it.each([
    // A missing page is routes/$.tsx's deliberate 404: nothing to log beyond the request's own line.
    ["GET", "/no-such-page", 404, 0],
    ["DELETE", "/", 405, 1],
  ])(
    "answer %s %s with %i: the app's page, every script nonced, %i more log lines and no stack",
    async (method, page, status, linesAbout) => {
      const logBefore = app.output().length;
      const response = await fetch(`${app.url}${page}`, { method });
      expect(response.status).toBe(status);
      const html = await response.text();
      expect(html).toContain(`HTTP ${status}`);
      expect(html).toContain("Back to the token explorer");
      // Remix's <Scripts>, so the page hydrates, and no script the CSP would block.
      expect(html).toContain("window.__remixContext");
      const nonce = nonceOf(response);
      for (const tag of html.match(/<script\b[^>]*>/g) ?? []) expect(tag).toContain(`nonce="${nonce}"`);

      await expect.poll(() => app.output().slice(logBefore)).toContain(`${method} ${page} ${status}`);
      const logged = app.output().slice(logBefore).trim().split("\n");
      // Besides the request's own log line, at most one says why: no stack, nothing else.
      const about = logged.filter((line) => line.includes(`"${page}"`) && !line.startsWith(`${method} ${page} `));
      expect(about).toHaveLength(linesAbout);
      expect(logged.join("\n")).not.toMatch(/^\s+at /m);
    },
  );
});

describe("a browsing session", () => {
  it("gets the favicon and robots.txt as files, and leaves no stack trace in the log", async () => {
    const logBefore = app.output().length;
    const favicon = await fetch(`${app.url}/favicon.ico`);
    expect(favicon.status).toBe(200);
    expect(favicon.headers.get("content-type")).toBe("image/x-icon");
    const robots = await fetch(`${app.url}/robots.txt`);
    expect(robots.status).toBe(200);
    expect(await robots.text()).toContain("Disallow: /api/");
    for (const page of ["/", "/sign-in", "/sign-up", "/tokens/test", "/no-such-page", "/apple-touch-icon.png"]) {
      await fetch(`${app.url}${page}`).then((response) => response.arrayBuffer());
    }
    await expect.poll(() => app.output().slice(logBefore)).toContain("GET /apple-touch-icon.png 404");
    const log = app.output().slice(logBefore);
    expect(log).toContain("GET /favicon.ico 200");
    expect(log).not.toMatch(/^\s+at /m);
  });
});

describe("secrets", () => {
  it("never put the secret key into a page, signed in or out", async () => {
    const sessionToken = await mintSessionToken(emulator, "sess_seed_alice");
    const signedOutAndIn: Array<Record<string, string>> = [{}, { Authorization: `Bearer ${sessionToken}` }];
    for (const headers of signedOutAndIn) {
      for (const page of ["/", "/sign-in", "/tokens/test", "/api/get-token-example", "/api/me"]) {
        const body = await (await fetch(`${app.url}${page}`, { headers })).text();
        expect(body, page).not.toContain(emulator.secretKey);
      }
    }
  });

  it("are in no client bundle file", async () => {
    const files = await readdir(path.join(REPO_ROOT, "public/build"), { recursive: true, withFileTypes: true });
    const bundles = files.filter((file) => file.isFile()).map((file) => path.join(file.parentPath, file.name));
    expect(bundles.length).toBeGreaterThan(0);
    for (const file of bundles) {
      const text = await readFile(file, "utf8");
      expect(text, file).not.toMatch(/sk_(test|live)_[A-Za-z0-9]/);
      expect(text, file).not.toContain(emulator.secretKey);
    }
  });

  it("and JWTs never reach the server's log", async () => {
    const sessionToken = await mintSessionToken(emulator, "sess_seed_alice");
    await fetch(`${app.url}/api/get-token-example?template=test`, {
      headers: { Authorization: `Bearer ${sessionToken}` },
    });
    await fetch(`${app.url}/?__clerk_handshake=${sessionToken}`);
    await fetch(`${app.url}/no-such-page?__clerk_handshake=${sessionToken}`);
    expect(app.output()).toContain("GET /api/get-token-example 200");
    expect(app.output()).not.toMatch(JWT_IN_TEXT);
  });
});
