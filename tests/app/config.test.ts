import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { loadConfig } from "~/utils/config/env.server";
import { configError, validEnv as valid } from "../support/config";

const PUBLIC_KEY_PEM = generateKeyPairSync("rsa", { modulusLength: 2048 })
  .publicKey.export({ type: "spki", format: "pem" })
  .toString()
  .trim();

describe("loadConfig", () => {
  it("applies the documented defaults", () => {
    const config = loadConfig(valid);
    expect(config).toMatchObject({
      apiUrl: "https://api.clerk.com",
      defaultTemplate: "test",
      allowedTemplates: ["test"],
      apiTimeoutMs: 5000,
      tokenCache: { enabled: true, maxEntries: 10_000 },
      usesOfflineEmulator: false,
      receiveTimeouts: { headersMs: 10_000, requestMs: 30_000 },
    });
  });

  it("takes keys pasted with spaces around them as the keys themselves", () => {
    const config = loadConfig({
      CLERK_SECRET_KEY: ` ${valid.CLERK_SECRET_KEY} `,
      CLERK_PUBLISHABLE_KEY: `${valid.CLERK_PUBLISHABLE_KEY}\t`,
    });
    expect(config.secretKey).toBe(valid.CLERK_SECRET_KEY);
    expect(config.publishableKey).toBe(valid.CLERK_PUBLISHABLE_KEY);
  });

  it("listens on PORT and HOST, 3000 on 127.0.0.1 by default, and names PORT when it is not a port", () => {
    expect(loadConfig(valid)).toMatchObject({ port: 3000, host: "127.0.0.1" });
    expect(loadConfig({ ...valid, PORT: "3100", HOST: "0.0.0.0" })).toMatchObject({ port: 3100, host: "0.0.0.0" });
    for (const port of ["abc", "0", "70000", "3000.5"]) {
      expect(configError({ ...valid, PORT: port })).toContain("PORT must be a port number from 1 to 65535");
    }
  });

  it("points to the page that documents every variable", () => {
    expect(configError({})).toContain("See docs/environment.md");
  });

  it("always allows the default template and drops duplicates", () => {
    const config = loadConfig({ ...valid, CLERK_JWT_TEMPLATE: "main", CLERK_JWT_TEMPLATES: "other, main ,other" });
    expect(config.allowedTemplates).toEqual(["main", "other"]);
  });

  it("turns token reuse off with TOKEN_CACHE=off", () => {
    expect(loadConfig({ ...valid, TOKEN_CACHE: "off", TOKEN_CACHE_MAX_ENTRIES: "1000" }).tokenCache).toEqual({
      enabled: false,
      maxEntries: 1000,
    });
  });

  it("turns Clerk's Frontend API proxy on only with CLERK_PROXY_URL, towards the emulator when offline", () => {
    expect(loadConfig(valid).clerkProxy).toBeUndefined();
    expect(loadConfig({ ...valid, CLERK_PROXY_URL: "https://app.example.com/__clerk" }).clerkProxy).toMatchObject({
      path: "/__clerk",
      target: "https://frontend-api.clerk.dev",
    });
    const offline = {
      ...valid,
      CLERK_API_URL: "http://127.0.0.1:4010",
      CLERK_PROXY_URL: "/__clerk",
      OFFLINE_EMULATOR: "on",
    };
    expect(loadConfig(offline).clerkProxy).toMatchObject({ path: "/__clerk", target: "http://127.0.0.1:4010" });
    // A Backend API on loopback without the launcher's word is not the emulator: an egress proxy, say.
    expect(loadConfig({ ...offline, OFFLINE_EMULATOR: undefined }).clerkProxy).toMatchObject({
      target: "https://frontend-api.clerk.dev",
    });
  });

  it("reads CLERK_JWT_KEY written on one line with literal \\n as the same key", () => {
    const oneLine = PUBLIC_KEY_PEM.replaceAll("\n", "\\n");
    expect(loadConfig({ ...valid, CLERK_JWT_KEY: oneLine }).jwtKey).toBe(PUBLIC_KEY_PEM);
    expect(loadConfig({ ...valid, CLERK_JWT_KEY: `${PUBLIC_KEY_PEM}\n` }).jwtKey).toBe(PUBLIC_KEY_PEM);
  });

  it("keeps a full-URL CLERK_PROXY_URL as configured, for Clerk-Proxy-Url", () => {
    const proxyUrl = "https://app.example.com/__clerk";
    expect(loadConfig({ ...valid, CLERK_PROXY_URL: proxyUrl }).clerkProxy).toMatchObject({
      path: "/__clerk",
      url: proxyUrl,
    });
    expect(loadConfig({ ...valid, CLERK_PROXY_URL: "/__clerk" }).clerkProxy?.url).toBeUndefined();
  });

  it("bounds the proxy's wait for the Frontend API (15 s unless CLERK_PROXY_TIMEOUT_MS says otherwise)", () => {
    const proxied = { ...valid, CLERK_PROXY_URL: "/__clerk" };
    expect(loadConfig(proxied).clerkProxy?.timeoutMs).toBe(15_000);
    expect(loadConfig({ ...proxied, CLERK_PROXY_TIMEOUT_MS: "2000" }).clerkProxy?.timeoutMs).toBe(2000);
  });

  it("trusts no proxy's X-Forwarded-* headers unless TRUST_PROXY says how many are in front", () => {
    expect(loadConfig(valid).trustedProxies).toBe(0);
    expect(loadConfig({ ...valid, TRUST_PROXY: "off" }).trustedProxies).toBe(0);
    expect(loadConfig({ ...valid, TRUST_PROXY: "2" }).trustedProxies).toBe(2);
  });

  it("with CLERK_JWT_TEMPLATES=* allows the instance's own list, read every TEMPLATE_LIST_REFRESH_SECONDS", () => {
    expect(loadConfig({ ...valid, CLERK_JWT_TEMPLATES: " * " })).toMatchObject({
      everyInstanceTemplate: true,
      allowedTemplates: ["test"],
      templateListRefreshMs: 60_000,
    });
    expect(loadConfig({ ...valid, TEMPLATE_LIST_REFRESH_SECONDS: "5" }).templateListRefreshMs).toBe(5000);
    expect(loadConfig({ ...valid, CLERK_JWT_TEMPLATES: "a,b" }).everyInstanceTemplate).toBe(false);
  });

  it("reads the scaling variables, and keeps one process and no Redis without them", () => {
    expect(loadConfig(valid)).toMatchObject({ workers: 1, redis: undefined, webhookSigningSecret: undefined });
    const scaled = loadConfig({
      ...valid,
      WEB_CONCURRENCY: "4",
      REDIS_URL: "rediss://:pw@redis.example.com:6380",
      REDIS_TIMEOUT_MS: "80",
      REDIS_NEAR_CACHE_MS: "0",
      CLERK_WEBHOOK_SIGNING_SECRET: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    });
    expect(scaled).toMatchObject({
      workers: 4,
      redis: { url: "rediss://:pw@redis.example.com:6380", timeoutMs: 80, nearCacheMs: 0 },
      webhookSigningSecret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    });
    expect(loadConfig({ ...valid, WEB_CONCURRENCY: "auto" }).workers).toBeGreaterThanOrEqual(1);
    expect(loadConfig({ ...valid, REDIS_URL: "redis://127.0.0.1:6379" }).redis).toEqual({
      url: "redis://127.0.0.1:6379",
      timeoutMs: 50,
      nearCacheMs: 5000,
    });
  });

  it.each([
    ["WEB_CONCURRENCY", "0", "whole number of worker processes from 1 to 64, or auto"],
    ["WEB_CONCURRENCY", "65", "whole number of worker processes from 1 to 64, or auto"],
    ["REDIS_URL", "http://127.0.0.1:6379", "must be a redis:// or rediss:// URL"],
    ["REDIS_TIMEOUT_MS", "1", "milliseconds from 5 to 2000"],
    ["REDIS_NEAR_CACHE_MS", "60001", "milliseconds from 0 to 60000"],
    ["CLERK_WEBHOOK_SIGNING_SECRET", "sk_live_abc", "must be your webhook endpoint's signing secret, whsec_"],
  ])("refuses %s=%s, naming the variable and the fix", (variable, value, fix) => {
    const message = configError({ ...valid, [variable]: value });
    expect(message).toContain(variable);
    expect(message).toContain(fix);
  });

  it("reads CLERK_AUTHORIZED_PARTIES as a list of origins, and none as no check", () => {
    const list = " https://app.example.com, http://localhost:3000 ,";
    expect(loadConfig({ ...valid, CLERK_AUTHORIZED_PARTIES: list }).authorizedParties).toEqual([
      "https://app.example.com",
      "http://localhost:3000",
    ]);
    expect(loadConfig(valid).authorizedParties).toBeUndefined();
  });

  it.each([
    [
      "CLERK_SECRET_KEY",
      { CLERK_SECRET_KEY: undefined },
      /CLERK_SECRET_KEY is missing.*dashboard\.clerk\.com.*npm run dev/s,
    ],
    ["CLERK_SECRET_KEY", { CLERK_SECRET_KEY: "" }, /CLERK_SECRET_KEY is missing/],
    ["CLERK_SECRET_KEY", { CLERK_SECRET_KEY: "pk_live_abc" }, /CLERK_SECRET_KEY must start with sk_test_ or sk_live_/],
    ["CLERK_PUBLISHABLE_KEY", { CLERK_PUBLISHABLE_KEY: undefined }, /CLERK_PUBLISHABLE_KEY is missing/],
    [
      "CLERK_PUBLISHABLE_KEY",
      { CLERK_PUBLISHABLE_KEY: "pk_live_bm90LWEta2V5" },
      /CLERK_PUBLISHABLE_KEY is not a valid/,
    ],
    ["CLERK_API_URL", { CLERK_API_URL: "api.clerk.com" }, /CLERK_API_URL must be a URL/],
    ["CLERK_JWT_KEY", { CLERK_JWT_KEY: "abc" }, /CLERK_JWT_KEY must be the PEM public key/],
    [
      "CLERK_JWT_KEY",
      { CLERK_JWT_KEY: "-----BEGIN PUBLIC KEY-----\nnot-a-key\n-----END PUBLIC KEY-----" },
      /CLERK_JWT_KEY must be the PEM public key/,
    ],
    [
      "CLERK_JWT_KEY",
      { CLERK_JWT_KEY: PUBLIC_KEY_PEM.replace(/\n[A-Za-z0-9+/]{8}/, "\n") },
      /CLERK_JWT_KEY must be the PEM public key/,
    ],
    ["CLERK_JWT_TEMPLATE", { CLERK_JWT_TEMPLATE: "../x" }, /CLERK_JWT_TEMPLATE must be 1-64 letters/],
    ["CLERK_JWT_TEMPLATES", { CLERK_JWT_TEMPLATES: "ok,not ok" }, /CLERK_JWT_TEMPLATES\.1 must be 1-64 letters/],
    ["CLERK_JWT_TEMPLATES", { CLERK_JWT_TEMPLATES: "*,test" }, /CLERK_JWT_TEMPLATES is either \* .* or a list/],
    ["CLERK_JWT_TEMPLATES", { CLERK_JWT_TEMPLATES: "**" }, /CLERK_JWT_TEMPLATES\.0 must be .* or \* alone/],
    ["TEMPLATE_EDITING", { TEMPLATE_EDITING: "yes" }, /TEMPLATE_EDITING must be on .* or off/],
    [
      "TEMPLATE_LIST_REFRESH_SECONDS",
      { TEMPLATE_LIST_REFRESH_SECONDS: "0" },
      /TEMPLATE_LIST_REFRESH_SECONDS must be a whole/,
    ],
    ["CLERK_PROXY_URL", { CLERK_PROXY_URL: "not a path" }, /CLERK_PROXY_URL must be a path such as \/__clerk/],
    [
      "CLERK_PROXY_URL",
      { CLERK_PROXY_URL: "https://clerk.example.com" },
      /CLERK_PROXY_URL must have a path of its own/,
    ],
    ["CLERK_PROXY_URL", { CLERK_PROXY_URL: "https://app.example.com/" }, /CLERK_PROXY_URL must have a path of its own/],
    ["CLERK_PROXY_URL", { CLERK_PROXY_URL: "/api" }, /CLERK_PROXY_URL must have a path of its own/],
    ["CLERK_PROXY_URL", { CLERK_PROXY_URL: "/API/clerk" }, /CLERK_PROXY_URL must have a path of its own/],
    ["CLERK_PROXY_URL", { CLERK_PROXY_URL: "/x/../api" }, /CLERK_PROXY_URL must have a path of its own/],
    ["CLERK_PROXY_URL", { CLERK_PROXY_URL: "/build/clerk" }, /CLERK_PROXY_URL must have a path of its own/],
    ["CLERK_PROXY_URL", { CLERK_PROXY_URL: "ftp://app.example.com/__clerk" }, /CLERK_PROXY_URL must be a path/],
    ["CLERK_PROXY_TIMEOUT_MS", { CLERK_PROXY_TIMEOUT_MS: "0" }, /CLERK_PROXY_TIMEOUT_MS must be a whole number/],
    ["TRUST_PROXY", { TRUST_PROXY: "true" }, /TRUST_PROXY must be off .* or the number of proxies/],
    ["CLERK_API_TIMEOUT_MS", { CLERK_API_TIMEOUT_MS: "soon" }, /CLERK_API_TIMEOUT_MS/],
    [
      "CLERK_AUTHORIZED_PARTIES",
      { CLERK_AUTHORIZED_PARTIES: "https://app.example.com,https://app.example.com/home" },
      /CLERK_AUTHORIZED_PARTIES\.1 must be a comma-separated list of origins/,
    ],
    ["CLERK_AUTHORIZED_PARTIES", { CLERK_AUTHORIZED_PARTIES: "app.example.com" }, /CLERK_AUTHORIZED_PARTIES\.0 must/],
    ["TOKEN_CACHE", { TOKEN_CACHE: "false" }, /TOKEN_CACHE must be on .* or off/],
    ["TOKEN_CACHE_MAX_ENTRIES", { TOKEN_CACHE_MAX_ENTRIES: "0" }, /TOKEN_CACHE_MAX_ENTRIES must be a whole number/],
    ["TOKEN_CACHE_MAX_ENTRIES", { TOKEN_CACHE_MAX_ENTRIES: "lots" }, /TOKEN_CACHE_MAX_ENTRIES must be a whole number/],
  ])("names %s when it is wrong", (_name, change, message) => {
    expect(configError({ ...valid, ...change })).toMatch(message);
  });
});
