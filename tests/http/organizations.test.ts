import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { freePort, startAppServer, type AppServer } from "../../support/app-server";
import { callBackendApi } from "../../support/backend-api";
import { templateTokenCallCounter } from "../../support/clerk-calls";
import { appEnvFor, mintSessionToken } from "../../support/clerk-env";
import { startLaunchedEmulator, type TestEmulator } from "../support/emulator";
import { webhookDeliveries } from "../support/webhook-deliveries";

/**
 * Organizations in the production server, against the emulator: the token route's reuse per
 * active organization and role, Clerk's membership and organization webhooks closing the reuse window, and the
 * studio's previews per account (POST /templates/previews).
 */

const ROUTE = "/api/get-token-example?template=organization";
const ACME = "org_seed_acme";

let emulator: TestEmulator;
let app: AppServer;
const clerkCalls = templateTokenCallCounter();
const webhooks = webhookDeliveries((line) => clerkCalls.log(line));
const log = webhooks.lines;
const delivered = webhooks.delivered;

beforeAll(async () => {
  const port = await freePort();
  // The key `npm run dev` gives it (sk_test_): the studio, and its previews, work for Alice, the editor.
  emulator = await startLaunchedEmulator({
    webhooks: { url: `http://127.0.0.1:${port}/api/webhooks/clerk` },
    log: webhooks.log,
  });
  app = await startAppServer(appEnvFor(emulator), port);
});

afterAll(async () => {
  await app?.stop();
  await emulator?.stop();
});

const backend = (method: string, path: string, body?: unknown) =>
  callBackendApi(emulator, method, path, body === undefined ? {} : { body });

/** A session token of a new session of the user, with the organization active (as after setActive). */
async function sessionTokenIn(userId: string, organizationId?: string): Promise<string> {
  const { body } = await backend("POST", "/v1/sessions", { user_id: userId, active_organization_id: organizationId });
  return mintSessionToken(emulator, body.id);
}

async function organizationToken(sessionToken: string) {
  const response = await fetch(`${app.url}${ROUTE}`, { headers: { Authorization: `Bearer ${sessionToken}` } });
  const body = (await response.json()) as { token?: { jwt: string }; code?: string };
  return {
    status: response.status,
    body,
    timing: response.headers.get("Server-Timing") ?? "",
    organization: response.headers.get("Token-Organization"),
    claims: body.token ? decodeJwt(body.token.jwt) : undefined,
  };
}

describe("the token route and the active organization", () => {
  it("names the organization the token was minted for, and keeps tokens per organization and role", async () => {
    const personal = await organizationToken(await sessionTokenIn("user_seed_alice"));
    expect(personal).toMatchObject({ status: 200, organization: "personal", claims: { org_id: null } });

    const inAcme = await sessionTokenIn("user_seed_alice", ACME);
    const first = await organizationToken(inAcme);
    expect(first).toMatchObject({ status: 200, organization: `${ACME}; slug=acme; role=org:admin` });
    expect(first.claims).toMatchObject({ org_id: ACME, org_role: "org:admin" });
    expect(first.timing).toMatch(/cache;desc="miss"/);
    const again = await organizationToken(inAcme);
    expect(again.timing).toMatch(/cache;desc="hit"/);
    expect(again.claims?.jti).toBe(first.claims?.jti);
  });
});

describe("Clerk's membership webhooks", () => {
  it("organizationMembership.deleted: the member's next request misses the cache and is refused as Clerk refuses it", async () => {
    const bob = await sessionTokenIn("user_seed_bob", ACME);
    const alice = await sessionTokenIn("user_seed_alice", ACME);
    expect((await organizationToken(bob)).claims).toMatchObject({ org_id: ACME, org_role: "org:member" });
    expect((await organizationToken(bob)).timing).toMatch(/cache;desc="hit"/);
    expect((await organizationToken(alice)).status).toBe(200);

    log.length = 0;
    await backend("DELETE", `/v1/organizations/${ACME}/memberships/user_seed_bob`);
    onTestFinished(async () => {
      await backend("POST", `/v1/organizations/${ACME}/memberships`, { user_id: "user_seed_bob", role: "org:member" });
    });
    await delivered("organizationMembership.deleted");

    // Bob's session token still says Acme, as it would for up to its 60 s: the reused token is gone.
    const calls = clerkCalls.since();
    const refused = await organizationToken(bob);
    expect([refused.status, refused.body.code]).toEqual([403, "not_organization_member"]);
    expect(calls()).toBe(1);
    // Only Bob's tokens went: Alice's is still reused.
    expect((await organizationToken(alice)).timing).toMatch(/cache;desc="hit"/);
  });

  it("organizationMembership.updated: the next request gets a token with the new role", async () => {
    const alice = await sessionTokenIn("user_seed_alice", ACME);
    expect((await organizationToken(alice)).claims).toMatchObject({ org_role: "org:admin" });
    expect((await organizationToken(alice)).timing).toMatch(/cache;desc="hit"/);

    log.length = 0;
    await backend("PATCH", `/v1/organizations/${ACME}/memberships/user_seed_alice`, { role: "org:member" });
    onTestFinished(async () => {
      await backend("PATCH", `/v1/organizations/${ACME}/memberships/user_seed_alice`, { role: "org:admin" });
    });
    await delivered("organizationMembership.updated");
    const demoted = await organizationToken(alice);
    expect(demoted.timing).toMatch(/cache;desc="miss"/);
    expect(demoted.claims).toMatchObject({ org_role: "org:member", permissions: ["org:tokens:read"] });
  });
});

describe("Clerk's organization webhooks", () => {
  it("organization.updated: every reused token for that organization goes, and the next carries the new slug", async () => {
    const { body: stark } = await backend("POST", "/v1/organizations", { name: "Stark", created_by: "user_seed_bob" });
    const [alice, bob, alicePersonal, bobInStark] = await Promise.all([
      sessionTokenIn("user_seed_alice", ACME),
      sessionTokenIn("user_seed_bob", ACME),
      sessionTokenIn("user_seed_alice"),
      sessionTokenIn("user_seed_bob", stark.id),
    ]);
    for (const token of [alice, bob, alicePersonal, bobInStark]) await organizationToken(token);
    expect((await organizationToken(alice)).timing).toMatch(/cache;desc="hit"/);

    log.length = 0;
    await backend("PATCH", `/v1/organizations/${ACME}`, { slug: "acme-renamed" });
    onTestFinished(async () => {
      await backend("PATCH", `/v1/organizations/${ACME}`, { slug: "acme" });
      await delivered("organization.updated");
    });
    await delivered("organization.updated");

    const calls = clerkCalls.since();
    const renamed = await organizationToken(alice);
    expect(renamed.timing).toMatch(/cache;desc="miss"/);
    expect(renamed.claims).toMatchObject({ org_id: ACME, org_slug: "acme-renamed", org_role: "org:admin" });
    expect((await organizationToken(bob)).claims).toMatchObject({ org_slug: "acme-renamed", org_role: "org:member" });
    expect(calls()).toBe(2);
    // No organization's claims but Acme's changed: the personal account's and Stark's tokens are still reused.
    expect((await organizationToken(alicePersonal)).timing).toMatch(/cache;desc="hit"/);
    expect((await organizationToken(bobInStark)).timing).toMatch(/cache;desc="hit"/);
  });

  it("organization.deleted: the next request for it is a fresh Clerk call, minted for the personal account", async () => {
    const { body: wayne } = await backend("POST", "/v1/organizations", { name: "Wayne", created_by: "user_seed_bob" });
    const bob = await sessionTokenIn("user_seed_bob", wayne.id);
    expect((await organizationToken(bob)).claims).toMatchObject({ org_id: wayne.id });
    expect((await organizationToken(bob)).timing).toMatch(/cache;desc="hit"/);

    log.length = 0;
    await backend("DELETE", `/v1/organizations/${wayne.id}`);
    await delivered("organization.deleted");
    // Clerk clears the deleted organization from the session: its session token still names it for up to 60 s.
    const after = await organizationToken(bob);
    expect(after.timing).toMatch(/cache;desc="miss"/);
    expect(after.claims).toMatchObject({ org_id: null });
  });
});

describe("POST /templates/previews", () => {
  const preview = (sessionToken: string | undefined, template: string, origin = app.url) =>
    fetch(`${app.url}/templates/previews`, {
      method: "POST",
      headers: { ...(sessionToken && { Authorization: `Bearer ${sessionToken}` }), Origin: origin },
      body: new URLSearchParams({ template }),
    });

  type Previews = { previews: Array<{ account: { slug: string; role: string } | null; jwt?: string; code?: string }> };

  it("mints the template for the personal account and each of the user's organizations, then revokes those sessions", async () => {
    log.length = 0;
    const response = await preview(await mintSessionToken(emulator, "sess_seed_alice"), "organization");
    expect(response.status).toBe(200);
    const { previews } = (await response.json()) as Previews;
    expect(previews.map(({ account }) => account && [account.slug, account.role])).toEqual([
      null,
      ["acme", "org:admin"],
    ]);
    expect(decodeJwt(previews[0]!.jwt!)).toMatchObject({ sub: "user_seed_alice", org_id: null, org_plan: "none" });
    expect(decodeJwt(previews[1]!.jwt!)).toMatchObject({ sub: "user_seed_alice", org_id: ACME, org_role: "org:admin" });
    expect(log.filter((line) => /^POST \/v1\/sessions 200/.test(line))).toHaveLength(2);
    expect(log.filter((line) => /^POST \/v1\/sessions\/sess_\w+\/revoke 200/.test(line))).toHaveLength(2);
  });

  it("answers each account's failure as the token route would", async () => {
    const response = await preview(await mintSessionToken(emulator, "sess_seed_alice"), "no-such-template");
    const { previews } = (await response.json()) as Previews;
    expect(previews.map(({ code }) => code)).toEqual(["template_not_found", "template_not_found"]);
  });

  it("refuses anyone but a template editor posting from the app's own pages, and a bad template name", async () => {
    const alice = await mintSessionToken(emulator, "sess_seed_alice");
    expect((await preview(undefined, "organization")).status).toBe(401);
    log.length = 0;
    const bob = await preview(await mintSessionToken(emulator, "sess_seed_bob"), "organization");
    expect([bob.status, (await bob.json()).code]).toEqual([403, "not_a_template_editor"]);
    expect(log.filter((line) => /^POST \/v1\/sessions /.test(line))).toEqual([]);
    const crossOrigin = await preview(alice, "organization", "https://attacker.example");
    expect([crossOrigin.status, (await crossOrigin.json()).code]).toEqual([403, "cross_origin_form"]);
    const badName = await preview(alice, "../jwt_templates");
    expect([badName.status, (await badName.json()).code]).toEqual([400, "invalid_template"]);
    expect((await fetch(`${app.url}/templates/previews`)).status).toBe(405);
  });

  it("charges its Backend API calls to the editor's share of Clerk's rate limit, and still revokes what it made", async () => {
    // 30 calls per 10 s, 10 % each: Alice may make 3 (her memberships, then a session per account).
    const limited = await startAppServer(appEnvFor(emulator, { CLERK_RATE_LIMIT: "30/10s" }));
    onTestFinished(() => limited.stop());
    const alice = await mintSessionToken(emulator, "sess_seed_alice");
    const post = () =>
      fetch(`${limited.url}/templates/previews`, {
        method: "POST",
        headers: { Authorization: `Bearer ${alice}`, Origin: limited.url },
        body: new URLSearchParams({ template: "organization" }),
      });
    log.length = 0;
    const first = await post();
    const { previews } = (await first.json()) as Previews;
    expect(previews.map(({ code }) => code)).toEqual(["user_rate_limited", "user_rate_limited"]);
    expect(log.filter((line) => /^POST \/v1\/sessions\/sess_\w+\/tokens\/organization /.test(line))).toEqual([]);
    expect(log.filter((line) => /^POST \/v1\/sessions\/sess_\w+\/revoke 200/.test(line))).toHaveLength(2);

    log.length = 0;
    const second = await post();
    expect([second.status, (await second.json()).code]).toEqual([429, "user_rate_limited"]);
    expect(Number(second.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(log.filter((line) => line.startsWith("GET /v1/users/"))).toEqual([]);
  });
});
