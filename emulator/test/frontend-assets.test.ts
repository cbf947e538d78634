import { readFile, readdir } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, type TestEmulator } from "./support/emulator";

// clerk-js served from the installed @clerk/clerk-js package, at the path Clerk's CDN uses.

const packageJson = createRequire(import.meta.url).resolve("@clerk/clerk-js/package.json");
const DIST = path.join(path.dirname(packageJson), "dist");
const { version: INSTALLED_VERSION } = JSON.parse(await readFile(packageJson, "utf8")) as { version: string };

let test: TestEmulator;
beforeAll(async () => {
  test = await startTestEmulator();
});
afterAll(() => test.stop());

const get = (filePath: string, headers: Record<string, string> = {}) =>
  fetch(`${test.emulator.url}${filePath}`, { headers });

describe("GET /npm/@clerk/clerk-js@<version>/dist/<file>", () => {
  it("serves the browser bundle for a version range, revalidated on each use", async () => {
    const response = await get("/npm/@clerk/clerk-js@5/dist/clerk.browser.js");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/javascript; charset=utf-8");
    expect(response.headers.get("Cache-Control")).toBe("no-cache");
    expect(Buffer.from(await response.arrayBuffer())).toEqual(await readFile(path.join(DIST, "clerk.browser.js")));
    expect(test.logLines).toContainEqual(
      expect.stringMatching(/^GET \/npm\/@clerk\/clerk-js@5\/dist\/clerk\.browser\.js 200 \d+ms$/),
    );
  });

  it("serves every lazy chunk at the exact version the bundle asks for, cached for good", async () => {
    const chunks = (await readdir(DIST)).filter((file) =>
      file.endsWith(`_clerk.browser_70f75e_${INSTALLED_VERSION}.js`),
    );
    expect(chunks.length).toBeGreaterThan(40);
    for (const chunk of chunks) {
      const response = await get(`/npm/@clerk/clerk-js@${INSTALLED_VERSION}/dist/${chunk}`);
      expect(response.status, chunk).toBe(200);
      expect(response.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
      await response.arrayBuffer();
    }
  });

  it("answers a repeated request with 304 Not Modified", async () => {
    const first = await get("/npm/@clerk/clerk-js@5/dist/clerk.browser.js");
    const etag = first.headers.get("ETag");
    expect(etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    const second = await get("/npm/@clerk/clerk-js@5/dist/clerk.browser.js", { "If-None-Match": etag! });
    expect(second.status).toBe(304);
    expect(await second.text()).toBe("");
  });

  it.each([
    ["a file that does not exist", "/npm/@clerk/clerk-js@5/dist/nothing.js"],
    ["a directory", "/npm/@clerk/clerk-js@5/dist/types"],
    ["a file that is not JavaScript", "/npm/@clerk/clerk-js@5/dist/package.json"],
    ["an encoded path out of dist/", "/npm/@clerk/clerk-js@5/dist/..%2Fpackage.json"],
    ["an encoded path into a subdirectory", "/npm/@clerk/clerk-js@5/dist/types%2Findex.d.ts"],
    ["a dot file", "/npm/@clerk/clerk-js@5/dist/.js"],
    ["a dotted path out of dist/", "/npm/@clerk/clerk-js@5/dist/../package.json"],
    ["another package", "/npm/@clerk/clerk-react@5/dist/index.js"],
    ["no version", "/npm/@clerk/clerk-js/dist/clerk.browser.js"],
  ])("answers 404 for %s", async (_, filePath) => {
    const response = await get(filePath);
    expect(response.status).toBe(404);
    expect(response.headers.get("Content-Type")).toBe("application/json");
    expect(await response.json()).toMatchObject({ errors: [{ code: "resource_not_found" }] });
  });
});
