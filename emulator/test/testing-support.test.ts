import { createClerkClient } from "@clerk/backend";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callBackendApi } from "../../support/backend-api";
import { specMissingReason, specValidationTitle, validateEveryResponse } from "./support/clerk-openapi";
import { startTestEmulator, type TestEmulator } from "./support/emulator";

// What @clerk/testing asks of the Backend API, through @clerk/backend itself: a testing token
// (clerkSetup), and for clerk.signIn({ emailAddress }) a user found by email address and a
// sign-in token. Every answer is checked against Clerk's description.

const spec = validateEveryResponse();
let production: TestEmulator;
let development: TestEmulator;
beforeAll(async () => {
  [production, development] = await Promise.all([startTestEmulator(), startTestEmulator({ instance: "development" })]);
});
afterAll(() => Promise.all([production.stop(), development.stop()]));

const clerkClientOf = ({ emulator }: TestEmulator) =>
  createClerkClient({ secretKey: emulator.secretKey, apiUrl: emulator.apiUrl });
const call = (method: string, path: string, body?: unknown) =>
  callBackendApi(production.emulator, method, path, { body });

describe("POST /v1/testing_tokens", () => {
  it.each(["production", "development"])("gives a %s instance an hour-long token shaped like Clerk's", async (kind) => {
    const before = Math.floor(Date.now() / 1000);
    const emulator = kind === "production" ? production : development;
    // @clerk/backend 2.33 hands this one back as the JSON it received (jsonToObject has no testing_token case).
    const { token, expires_at: expiresAt } = (await clerkClientOf(
      emulator,
    ).testingTokens.createTestingToken()) as unknown as {
      token: string;
      expires_at: number;
    };
    expect(token).toMatch(/^\d{10}-[\w-]{32}$/);
    expect(Number(token.split("-")[0])).toBeGreaterThanOrEqual(before);
    expect(expiresAt - before).toBeGreaterThanOrEqual(3600);
    expect(expiresAt - before).toBeLessThanOrEqual(3601);
  });

  it("needs the secret key", async () => {
    const { status } = await callBackendApi(production.emulator, "POST", "/v1/testing_tokens", { headers: {} });
    expect(status).toBe(401);
  });
});

describe("GET /v1/users", () => {
  it("finds a user by email address, whatever its case, with the count beside it", async () => {
    const { data, totalCount } = await clerkClientOf(production).users.getUserList({
      emailAddress: ["ALICE@example.com"],
    });
    expect(data.map((user) => user.id)).toEqual(["user_seed_alice"]);
    expect(data[0]!.primaryEmailAddress?.emailAddress).toBe("alice@example.com");
    expect(totalCount).toBe(1);
  });

  it("finds several addresses at once and ignores unknown ones", async () => {
    const { data, totalCount } = await clerkClientOf(production).users.getUserList({
      emailAddress: ["bob@example.com", "alice@example.com", "nobody@example.com"],
    });
    expect(data.map((user) => user.id).sort()).toEqual(["user_seed_alice", "user_seed_bob"]);
    expect(totalCount).toBe(2);
    expect(await clerkClientOf(production).users.getUserList({ emailAddress: ["nobody@example.com"] })).toEqual({
      data: [],
      totalCount: 0,
    });
  });

  it("orders newest first by default; order_by, limit and offset as Clerk describes them", async () => {
    const ids = async (params: Parameters<ReturnType<typeof clerkClientOf>["users"]["getUserList"]>[0]) =>
      (await clerkClientOf(production).users.getUserList(params)).data.map((user) => user.id);
    expect(await ids({})).toEqual(["user_seed_bob", "user_seed_alice"]);
    expect(await ids({ orderBy: "+created_at" })).toEqual(["user_seed_alice", "user_seed_bob"]);
    expect(await ids({ orderBy: "-first_name" })).toEqual(["user_seed_bob", "user_seed_alice"]);
    expect(await ids({ orderBy: "email_address", limit: 1 })).toEqual(["user_seed_alice"]);
    expect(await ids({ orderBy: "email_address", limit: 1, offset: 1 })).toEqual(["user_seed_bob"]);
    expect(await ids({ orderBy: "email_address", offset: 2 })).toEqual([]);
  });

  it("narrows by several filters; user_id takes + and -", async () => {
    const { body: excluded } = await call("GET", "/v1/users?user_id=-user_seed_alice");
    expect(excluded.map((user: { id: string }) => user.id)).toEqual(["user_seed_bob"]);
    const { body: narrowed } = await call("GET", "/v1/users?query=ANDERSON&email_address=bob@example.com");
    expect(narrowed).toEqual([]);
    const { body: partial } = await call("GET", "/v1/users?email_address_query=LICE@");
    expect(partial.map((user: { id: string }) => user.id)).toEqual(["user_seed_alice"]);
  });

  it("answers a wrong or unemulated parameter with a 422, never a page that ignores it", async () => {
    for (const [query, param] of [
      ["limit=0", "limit"],
      ["limit=501", "limit"],
      ["offset=-1", "offset"],
      ["order_by=password", "order_by"],
      ["banned=maybe", "banned"],
      ["organization_id=org_1", "organization_id"],
      ["starting_after=user_seed_bob", "starting_after"],
    ]) {
      const { status, body } = await call("GET", `/v1/users?${query}`);
      expect(status, query).toBe(422);
      expect(body.errors[0].meta.param_name, query).toBe(param);
    }
  });
});

describe("GET /v1/users/count", () => {
  it("counts users, and is not read as a user id", async () => {
    expect(await clerkClientOf(production).users.getCount()).toBe(2);
    expect(await clerkClientOf(production).users.getCount({ emailAddress: ["bob@example.com"] })).toBe(1);
    const { status, body } = await call("GET", "/v1/users/count?query=nobody");
    expect(status).toBe(200);
    expect(body).toEqual({ object: "total_count", total_count: 0 });
  });
});

describe("POST /v1/sign_in_tokens", () => {
  it("creates a pending ticket for a user, lasting as long as asked", async () => {
    const token = await clerkClientOf(production).signInTokens.createSignInToken({
      userId: "user_seed_bob",
      expiresInSeconds: 300,
    });
    expect(token).toMatchObject({ id: expect.stringMatching(/^sit_/), userId: "user_seed_bob", status: "pending" });
    expect(token.token).toMatch(/^[\w-]{40,}$/);
  });

  it("refuses an unknown user, a missing user_id, a bad lifetime and an organization", async () => {
    expect(await call("POST", "/v1/sign_in_tokens", { user_id: "user_nobody" })).toMatchObject({
      status: 404,
      body: { errors: [{ code: "resource_not_found", message: "No user exists with id: user_nobody" }] },
    });
    for (const [body, param] of [
      [{}, "user_id"],
      [{ user_id: "user_seed_bob", expires_in_seconds: 0 }, "expires_in_seconds"],
      [{ user_id: "user_seed_bob", org_id: "org_1" }, "org_id"],
    ] as const) {
      const { status, body: answer } = await call("POST", "/v1/sign_in_tokens", body);
      expect(status).toBe(422);
      expect(answer.errors[0].meta.param_name).toBe(param);
    }
  });
});

describe.skipIf(specMissingReason !== undefined)(specValidationTitle, () => {
  it("checked the responses of these tests", () => {
    expect(spec.checkedCount()).toBeGreaterThanOrEqual(20);
  });
});
