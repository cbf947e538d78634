import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "~/utils/config/env.server";

const PUBLIC_KEY_PEM = generateKeyPairSync("rsa", { modulusLength: 2048 })
  .publicKey.export({ type: "spki", format: "pem" })
  .toString()
  .trim();

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
      receiveTimeouts: { headersMs: 10_000, requestMs: 30_000 },
    });
  });

  it("gives each user 10 % of Clerk's rate limit for the instance's kind, split between the workers", () => {
    const development = {
      ...valid,
      CLERK_PUBLISHABLE_KEY: valid.CLERK_PUBLISHABLE_KEY.replace("pk_live_", "pk_test_"),
    };
    expect(loadConfig(valid).clerkCallBudget).toEqual({
      instanceLimit: { calls: 1000, windowSeconds: 10 },
      perUser: 100,
      perProcess: 100,
      windowMs: 10_000,
    });
    expect(loadConfig(development).clerkCallBudget).toMatchObject({ perUser: 10, perProcess: 10 });
    expect(loadConfig({ ...valid, WEB_CONCURRENCY: "4" }).clerkCallBudget).toMatchObject({
      perUser: 100,
      perProcess: 25,
    });
    const told = loadConfig({ ...valid, CLERK_RATE_LIMIT: "20/10s", CLERK_USER_SHARE_PERCENT: "25" }).clerkCallBudget;
    expect(told).toEqual({
      instanceLimit: { calls: 20, windowSeconds: 10 },
      perUser: 5,
      perProcess: 5,
      windowMs: 10_000,
    });
    // Never below one call per window.
    expect(loadConfig({ ...valid, CLERK_RATE_LIMIT: "5/1", WEB_CONCURRENCY: "8" }).clerkCallBudget).toMatchObject({
      perUser: 1,
      perProcess: 1,
      windowMs: 1000,
    });
  });

  it("refuses a HEADERS_TIMEOUT_MS longer than REQUEST_TIMEOUT_MS, which covers the headers too", () => {
    expect(configError({ ...valid, HEADERS_TIMEOUT_MS: "20000", REQUEST_TIMEOUT_MS: "15000" })).toContain(
      "HEADERS_TIMEOUT_MS (20000) must not exceed REQUEST_TIMEOUT_MS (15000)",
    );
    expect(loadConfig({ ...valid, HEADERS_TIMEOUT_MS: "2000", REQUEST_TIMEOUT_MS: "2000" }).receiveTimeouts).toEqual({
      headersMs: 2000,
      requestMs: 2000,
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

  it("turns template editing on with the emulator, and with sk_test_ keys only when asked", () => {
    const offline = {
      ...valid,
      CLERK_SECRET_KEY: "sk_test_x",
      CLERK_API_URL: "http://127.0.0.1:4010",
      OFFLINE_EMULATOR: "on",
      TEMPLATE_EDITORS: "alice@example.com",
    };
    expect(loadConfig(offline).templateEditing).toBe(true);
    expect(loadConfig({ ...offline, TEMPLATE_EDITING: "off" }).templateEditing).toBe(false);
    const development = { ...valid, CLERK_SECRET_KEY: "sk_test_x", TEMPLATE_EDITORS: "user_2abc" };
    expect(loadConfig(development).templateEditing).toBe(false);
    expect(loadConfig({ ...development, TEMPLATE_EDITING: "on" }).templateEditing).toBe(true);
    expect(loadConfig(valid).templateEditing).toBe(false);
  });

  it("never turns template editing on with an sk_live_ key, however configured", () => {
    const settings = {
      TEMPLATE_EDITING: [undefined, "off"],
      OFFLINE_EMULATOR: [undefined, "on", "off"],
      CLERK_API_URL: [undefined, "http://127.0.0.1:4010", "http://localhost:4010", "http://[::1]:4010"],
      CLERK_PROXY_URL: [undefined, "/__clerk"],
    };
    let combinations = [{ ...valid }] as Record<string, string | undefined>[];
    for (const [name, values] of Object.entries(settings)) {
      combinations = combinations.flatMap((env) => values.map((value) => ({ ...env, [name]: value })));
    }
    expect(combinations).toHaveLength(48);
    for (const env of combinations) {
      expect(loadConfig(env).templateEditing, JSON.stringify(env)).toBe(false);
      expect(configError({ ...env, TEMPLATE_EDITING: "on" })).toContain("refused with a production key (sk_live_)");
    }
  });

  it("reads TEMPLATE_EDITORS as user ids and email addresses, compared without case", () => {
    const development = { ...valid, CLERK_SECRET_KEY: "sk_test_x", TEMPLATE_EDITING: "on" };
    const editors = " user_2abcDEF, Alice@Example.com ,user_seed_bob";
    expect(loadConfig({ ...development, TEMPLATE_EDITORS: editors }).templateEditors).toEqual({
      userIds: ["user_2abcDEF", "user_seed_bob"],
      emails: ["alice@example.com"],
      named: ["user_2abcDEF", "Alice@Example.com", "user_seed_bob"],
    });
  });

  it("refuses to start with editing on and no TEMPLATE_EDITORS, whatever turned it on", () => {
    const development = { ...valid, CLERK_SECRET_KEY: "sk_test_x", TEMPLATE_EDITING: "on" };
    expect(configError(development)).toMatch(
      /TEMPLATE_EDITORS names nobody, yet template editing is on \(TEMPLATE_EDITING=on\)\. .*user ids \(user_…/,
    );
    const offline = { ...valid, CLERK_SECRET_KEY: "sk_test_x", OFFLINE_EMULATOR: "on" };
    expect(configError(offline)).toContain("editing is on (the offline emulator's default)");
    expect(loadConfig({ ...offline, TEMPLATE_EDITING: "off" }).templateEditors.named).toEqual([]);
  });

  it("refuses TEMPLATE_EDITING=on with a production key, saying what to do instead", () => {
    expect(configError({ ...valid, TEMPLATE_EDITING: "on" })).toMatch(
      /TEMPLATE_EDITING=on is refused with a production key \(sk_live_\).*sk_test_ key, or unset TEMPLATE_EDITING/,
    );
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

  it("reads CLERK_AUTHORIZED_PARTIES as a list of origins, and none as no check", () => {
    const list = " https://app.example.com, http://localhost:3000 ,";
    expect(loadConfig({ ...valid, CLERK_AUTHORIZED_PARTIES: list }).authorizedParties).toEqual([
      "https://app.example.com",
      "http://localhost:3000",
    ]);
    expect(loadConfig(valid).authorizedParties).toBeUndefined();
  });

  it("knows the offline emulator by the launchers' OFFLINE_EMULATOR=on, not by a Backend API on loopback", () => {
    const loopback = { ...valid, CLERK_API_URL: "http://127.0.0.1:4010", OFFLINE_SIGN_IN_HINT: "Sign in as …" };
    expect(loadConfig(loopback)).toMatchObject({ usesOfflineEmulator: false, offlineSignInHint: undefined });
    expect(loadConfig({ ...loopback, OFFLINE_EMULATOR: "on" })).toMatchObject({
      usesOfflineEmulator: true,
      offlineSignInHint: "Sign in as …",
    });
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
    ["OFFLINE_EMULATOR", { OFFLINE_EMULATOR: "yes" }, /OFFLINE_EMULATOR must be on only where the offline emulator/],
    ["TEMPLATE_EDITORS", { TEMPLATE_EDITORS: "alice" }, /TEMPLATE_EDITORS\.0 must be user ids \(user_…/],
    ["TEMPLATE_EDITORS", { TEMPLATE_EDITORS: "user_x,user-y" }, /TEMPLATE_EDITORS\.1 must be user ids/],
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
    ["CLERK_RATE_LIMIT", { CLERK_RATE_LIMIT: "1000" }, /CLERK_RATE_LIMIT must be your instance's .* such as 1000\/10s/],
    ["CLERK_RATE_LIMIT", { CLERK_RATE_LIMIT: "0/10s" }, /CLERK_RATE_LIMIT must be/],
    [
      "CLERK_USER_SHARE_PERCENT",
      { CLERK_USER_SHARE_PERCENT: "0" },
      /CLERK_USER_SHARE_PERCENT must be a whole percentage/,
    ],
    ["CLERK_USER_SHARE_PERCENT", { CLERK_USER_SHARE_PERCENT: "101" }, /CLERK_USER_SHARE_PERCENT must be/],
    ["HEADERS_TIMEOUT_MS", { HEADERS_TIMEOUT_MS: "500" }, /HEADERS_TIMEOUT_MS must be a whole number of milliseconds/],
    ["REQUEST_TIMEOUT_MS", { REQUEST_TIMEOUT_MS: "forever" }, /REQUEST_TIMEOUT_MS must be a whole number/],
    ["TOKEN_CACHE_MAX_ENTRIES", { TOKEN_CACHE_MAX_ENTRIES: "0" }, /TOKEN_CACHE_MAX_ENTRIES must be a whole number/],
    ["TOKEN_CACHE_MAX_ENTRIES", { TOKEN_CACHE_MAX_ENTRIES: "lots" }, /TOKEN_CACHE_MAX_ENTRIES must be a whole number/],
  ])("names %s when it is wrong", (_name, change, message) => {
    expect(configError({ ...valid, ...change })).toMatch(message);
  });
});
