import { describe, expect, it } from "vitest";
import { loadConfig } from "~/utils/config/env.server";
import { configError, validEnv as valid } from "../support/config";

// The variables issue 21 added: who may edit templates and when, the emulator as the launchers say
// it, each user's share of Clerk's rate limit, and how long a client may take to send a request.

describe("loadConfig", () => {
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

  it("refuses to start with TEMPLATE_EDITING=on and no TEMPLATE_EDITORS; by the emulator's default, editing is off", () => {
    const development = { ...valid, CLERK_SECRET_KEY: "sk_test_x", TEMPLATE_EDITING: "on" };
    expect(configError(development)).toMatch(
      /TEMPLATE_EDITORS names nobody and TEMPLATE_EDITOR_ROLE is unset, yet template editing is on \(TEMPLATE_EDITING=on\)\. .*user ids \(user_….*TEMPLATE_EDITOR_ROLE to the public metadata role/,
    );
    // The emulator's printed env lines alone (an sk_test_ key with --instance development): the app starts.
    const offline = { ...valid, CLERK_SECRET_KEY: "sk_test_x", OFFLINE_EMULATOR: "on" };
    expect(configError({ ...offline, TEMPLATE_EDITING: "on" })).toContain("TEMPLATE_EDITORS names nobody");
    expect(loadConfig(offline)).toMatchObject({
      templateEditing: false,
      templateEditingOffReason:
        "Template editing is off on this server: TEMPLATE_EDITORS names nobody and TEMPLATE_EDITOR_ROLE is unset.",
    });
    expect(loadConfig({ ...offline, TEMPLATE_EDITORS: "alice@example.com" })).toMatchObject({
      templateEditing: true,
      templateEditingOffReason: undefined,
    });
  });

  it("counts TEMPLATE_EDITOR_ROLE as naming editors, and never with an sk_live_ key", () => {
    const role = { ...valid, CLERK_SECRET_KEY: "sk_test_x", TEMPLATE_EDITOR_ROLE: " admin " };
    expect(loadConfig({ ...role, TEMPLATE_EDITING: "on" })).toMatchObject({
      templateEditing: true,
      templateEditors: { userIds: [], emails: [], named: [], role: "admin" },
    });
    expect(loadConfig({ ...role, OFFLINE_EMULATOR: "on" }).templateEditing).toBe(true);
    expect(
      loadConfig({ ...role, TEMPLATE_EDITORS: "user_seed_alice", OFFLINE_EMULATOR: "on" }).templateEditors,
    ).toMatchObject({
      userIds: ["user_seed_alice"],
      role: "admin",
    });
    expect(loadConfig({ ...valid, OFFLINE_EMULATOR: "on", TEMPLATE_EDITOR_ROLE: "admin" }).templateEditing).toBe(false);
    expect(configError({ ...valid, TEMPLATE_EDITOR_ROLE: "admin", TEMPLATE_EDITING: "on" })).toContain("sk_live_");
    expect(loadConfig(valid).templateEditors.role).toBeUndefined();
  });

  it("says why editing is off: a production key, TEMPLATE_EDITING=off, or a development key not asked", () => {
    const reason = (env: Record<string, string>) => loadConfig({ ...valid, ...env }).templateEditingOffReason;
    expect(
      reason({ CLERK_SECRET_KEY: "sk_live_x", OFFLINE_EMULATOR: "on", TEMPLATE_EDITORS: "alice@example.com" }),
    ).toContain("production key (sk_live_)");
    expect(reason({ CLERK_SECRET_KEY: "sk_test_x", TEMPLATE_EDITING: "off" })).toContain("TEMPLATE_EDITING=off");
    expect(reason({ CLERK_SECRET_KEY: "sk_test_x" })).toContain("needs TEMPLATE_EDITING=on");
  });

  it("refuses TEMPLATE_EDITING=on with a production key, saying what to do instead", () => {
    expect(configError({ ...valid, TEMPLATE_EDITING: "on" })).toMatch(
      /TEMPLATE_EDITING=on is refused with a production key \(sk_live_\).*sk_test_ key, or unset TEMPLATE_EDITING/,
    );
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
    ["OFFLINE_EMULATOR", { OFFLINE_EMULATOR: "yes" }, /OFFLINE_EMULATOR must be on only where the offline emulator/],
    ["TEMPLATE_EDITORS", { TEMPLATE_EDITORS: "alice" }, /TEMPLATE_EDITORS\.0 must be user ids \(user_…/],
    ["TEMPLATE_EDITORS", { TEMPLATE_EDITORS: "user_x,user-y" }, /TEMPLATE_EDITORS\.1 must be user ids/],
    [
      "TEMPLATE_EDITOR_ROLE",
      { TEMPLATE_EDITOR_ROLE: "org:admin" },
      /TEMPLATE_EDITOR_ROLE must be a value of the users' public metadata role, such as admin, not an organization role \(org:…\): any user may create an organization/,
    ],
    [
      "TEMPLATE_EDITOR_ROLE",
      { TEMPLATE_EDITOR_ROLE: "Org:Admin" },
      /TEMPLATE_EDITOR_ROLE must .* not an organization role/,
    ],
    [
      "TEMPLATE_EDITOR_ROLE",
      { TEMPLATE_EDITOR_ROLE: "site admin" },
      /TEMPLATE_EDITOR_ROLE must be the public metadata role/,
    ],
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
  ])("names %s when it is wrong", (_name, change, message) => {
    expect(configError({ ...valid, ...change })).toMatch(message);
  });
});
