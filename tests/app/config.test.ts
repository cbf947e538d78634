import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "~/env.server";

/** A valid production-instance configuration; each test bends one variable. */
const valid = {
  CLERK_SECRET_KEY: "sk_live_example",
  CLERK_PUBLISHABLE_KEY: `pk_live_${Buffer.from("clerk.example.com$").toString("base64")}`,
};

function configError(env: Record<string, string | undefined>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
}

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
    });
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
    expect(loadConfig({ ...valid, CLERK_PROXY_URL: "https://app.example.com/__clerk" }).clerkProxy).toEqual({
      path: "/__clerk",
      target: "https://frontend-api.clerk.dev",
    });
    const offline = { ...valid, CLERK_API_URL: "http://127.0.0.1:4010", CLERK_PROXY_URL: "/__clerk" };
    expect(loadConfig(offline).clerkProxy).toEqual({ path: "/__clerk", target: "http://127.0.0.1:4010" });
  });

  it("reads the scaling variables, and keeps one process and no Redis without them", () => {
    expect(loadConfig(valid)).toMatchObject({ workers: 1, redis: undefined, webhookSigningSecret: undefined });
    const scaled = loadConfig({
      ...valid,
      WEB_CONCURRENCY: "4",
      REDIS_URL: "rediss://:pw@redis.example.com:6380",
      REDIS_TIMEOUT_MS: "80",
      CLERK_WEBHOOK_SIGNING_SECRET: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    });
    expect(scaled).toMatchObject({
      workers: 4,
      redis: { url: "rediss://:pw@redis.example.com:6380", timeoutMs: 80 },
      webhookSigningSecret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    });
    expect(loadConfig({ ...valid, WEB_CONCURRENCY: "auto" }).workers).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ["WEB_CONCURRENCY", "0", "whole number of worker processes from 1 to 64, or auto"],
    ["WEB_CONCURRENCY", "65", "whole number of worker processes from 1 to 64, or auto"],
    ["REDIS_URL", "http://127.0.0.1:6379", "must be a redis:// or rediss:// URL"],
    ["REDIS_TIMEOUT_MS", "1", "milliseconds from 5 to 2000"],
    ["CLERK_WEBHOOK_SIGNING_SECRET", "sk_live_abc", "must be your webhook endpoint's signing secret, whsec_"],
  ])("refuses %s=%s, naming the variable and the fix", (variable, value, fix) => {
    const message = configError({ ...valid, [variable]: value });
    expect(message).toContain(variable);
    expect(message).toContain(fix);
  });

  it("knows a Backend API on loopback is the offline emulator", () => {
    expect(loadConfig({ ...valid, CLERK_API_URL: "http://127.0.0.1:4010" }).usesOfflineEmulator).toBe(true);
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
    ["CLERK_JWT_TEMPLATE", { CLERK_JWT_TEMPLATE: "../x" }, /CLERK_JWT_TEMPLATE must be 1-64 letters/],
    ["CLERK_JWT_TEMPLATES", { CLERK_JWT_TEMPLATES: "ok,not ok" }, /CLERK_JWT_TEMPLATES\.1 must be 1-64 letters/],
    ["CLERK_PROXY_URL", { CLERK_PROXY_URL: "not a path" }, /CLERK_PROXY_URL must be a path such as \/__clerk/],
    ["CLERK_API_TIMEOUT_MS", { CLERK_API_TIMEOUT_MS: "soon" }, /CLERK_API_TIMEOUT_MS/],
    ["TOKEN_CACHE", { TOKEN_CACHE: "false" }, /TOKEN_CACHE must be on .* or off/],
    ["TOKEN_CACHE_MAX_ENTRIES", { TOKEN_CACHE_MAX_ENTRIES: "0" }, /TOKEN_CACHE_MAX_ENTRIES must be a whole number/],
    ["TOKEN_CACHE_MAX_ENTRIES", { TOKEN_CACHE_MAX_ENTRIES: "lots" }, /TOKEN_CACHE_MAX_ENTRIES must be a whole number/],
  ])("names %s when it is wrong", (_name, change, message) => {
    expect(configError({ ...valid, ...change })).toMatch(message);
  });
});
