import { createClerkClient } from "@clerk/backend";
import { describe, expect, it } from "vitest";
import { callBackendApi } from "../../support/backend-api";
import { specMissingReason, specValidationTitle, validateEveryResponse } from "./support/clerk-openapi";
import { claimsOf } from "./support/frontend-api";
import { emulatorWithWebhookEndpoint, verifiedEvent } from "./support/webhook-endpoint";

// The Backend API's organizations and memberships, the session token's `o` claim as @clerk/backend
// reads it (getAuth's orgId, orgRole, orgSlug and has()), and the membership webhooks.

const spec = validateEveryResponse();
const running = emulatorWithWebhookEndpoint();

const call = (method: string, path: string, body?: unknown) =>
  callBackendApi(running.test.emulator, method, path, body === undefined ? {} : { body });

const notAMember = {
  errors: [expect.objectContaining({ code: "organization_not_found_or_unauthorized" })],
  clerk_trace_id: expect.any(String),
};

/** A new session of the user with the organization active (the Backend API's createSession). */
async function sessionIn(userId: string, organizationId?: string): Promise<string> {
  const { status, body } = await call("POST", "/v1/sessions", {
    user_id: userId,
    active_organization_id: organizationId,
  });
  expect(status).toBe(200);
  const active = organizationId === undefined ? null : expect.stringMatching(/^org_/);
  expect(body).toMatchObject({ object: "session", user_id: userId, last_active_organization_id: active });
  return body.id;
}

/** What getAuth() makes of a session token: @clerk/backend's own authenticateRequest. */
async function authOf(sessionToken: string) {
  const { secretKey, publishableKey, jwtKey } = running.test.emulator;
  const clerk = createClerkClient({ secretKey, publishableKey, jwtKey });
  const request = new Request("http://app.example/api", { headers: { Authorization: `Bearer ${sessionToken}` } });
  const state = await clerk.authenticateRequest(request, { jwtKey });
  return state.toAuth()!;
}

describe("organizations", () => {
  it("lists the seeded Acme, newest first, by text, by member, with member counts", async () => {
    const all = await call("GET", "/v1/organizations?include_members_count=true");
    expect(all.status).toBe(200);
    expect(all.body.data.find((organization: { slug: string }) => organization.slug === "acme")).toMatchObject({
      object: "organization",
      id: "org_seed_acme",
      name: "Acme",
      members_count: 2,
      public_metadata: { plan: "enterprise" },
      created_by: "user_seed_alice",
    });
    const ids = async (query: string) =>
      (await call("GET", `/v1/organizations?${query}`)).body.data.map((o: { id: string }) => o.id);
    expect(await ids("query=cme")).toEqual(["org_seed_acme"]);
    expect(await ids("query=org_seed_acme")).toEqual(["org_seed_acme"]);
    expect(await ids("query=nothing-like-it")).toEqual([]);
    expect(await ids("user_id=user_nobody")).toEqual([]);
    expect(await ids("user_id=user_nobody&user_id=user_seed_bob")).toContain("org_seed_acme");
    expect((await call("GET", "/v1/organizations?limit=0")).status).toBe(422);
  });

  it("gets one by id or slug, and 404 for neither", async () => {
    const byId = await call("GET", "/v1/organizations/org_seed_acme");
    const bySlug = await call("GET", "/v1/organizations/acme?include_members_count=true");
    expect(byId.body).toMatchObject({ id: "org_seed_acme", slug: "acme" });
    expect(byId.body).not.toHaveProperty("members_count");
    expect(bySlug.body).toMatchObject({ id: "org_seed_acme", members_count: 2 });
    expect((await call("GET", "/v1/organizations/org_nope")).status).toBe(404);
  });

  it("creates one with its creator as admin, a slug from the name, and refuses a taken slug", async () => {
    const created = await call("POST", "/v1/organizations", { name: "Globex Corp.", created_by: "user_seed_bob" });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ object: "organization", name: "Globex Corp.", slug: "globex-corp" });
    const members = await call("GET", `/v1/organizations/${created.body.id}/memberships`);
    expect(members.body.data).toEqual([
      expect.objectContaining({
        role: "org:admin",
        public_user_data: expect.objectContaining({ user_id: "user_seed_bob" }),
      }),
    ]);
    for (const body of [
      { name: "Again", slug: "globex-corp" },
      { name: "" },
      { name: "Bad slug", slug: "Not A Slug" },
      { name: "Nobody's", created_by: "user_nobody" },
    ]) {
      expect((await call("POST", "/v1/organizations", body)).status, JSON.stringify(body)).toBe(422);
    }
  });
});

describe("memberships", () => {
  it("lists Acme's members with their roles, permissions and public user data", async () => {
    const { status, body } = await call("GET", "/v1/organizations/org_seed_acme/memberships");
    expect(status).toBe(200);
    expect(body.total_count).toBe(2);
    const [alice, bob] = body.data;
    expect(alice).toMatchObject({
      object: "organization_membership",
      role: "org:admin",
      role_name: "Admin",
      permissions: expect.arrayContaining(["org:sys_memberships:manage", "org:tokens:manage"]),
      public_metadata: { team: "platform" },
      organization: { id: "org_seed_acme", slug: "acme" },
      public_user_data: { user_id: "user_seed_alice", identifier: "alice@example.com", first_name: "Alice" },
    });
    expect(bob).toMatchObject({
      role: "org:member",
      role_name: "Member",
      public_user_data: { user_id: "user_seed_bob" },
    });
    expect(bob.permissions).not.toContain("org:sys_memberships:manage");
    const admins = await call("GET", "/v1/organizations/acme/memberships?role=org:admin");
    expect(admins.body.data.map((m: { role: string }) => m.role)).toEqual(["org:admin"]);
  });

  it("lists a user's memberships, and 404 for an unknown user", async () => {
    const { body } = await call("GET", "/v1/users/user_seed_bob/organization_memberships");
    expect(body.data).toContainEqual(
      expect.objectContaining({ role: "org:member", organization: expect.objectContaining({ slug: "acme" }) }),
    );
    expect((await call("GET", "/v1/users/user_nobody/organization_memberships")).status).toBe(404);
  });

  it("adds, changes and removes a member, announcing each with Clerk's webhook", async () => {
    const { body: organization } = await call("POST", "/v1/organizations", { name: "Initech" });
    const path = `/v1/organizations/${organization.id}/memberships`;

    let delivery = running.endpoint.next();
    expect((await call("POST", path, { user_id: "user_seed_alice", role: "org:member" })).status).toBe(200);
    expect(await verifiedEvent(await delivery, running.test.emulator.webhookSigningSecret!)).toMatchObject({
      type: "organizationMembership.created",
      data: {
        role: "org:member",
        organization: { id: organization.id },
        public_user_data: { user_id: "user_seed_alice" },
      },
    });
    expect((await call("POST", path, { user_id: "user_seed_alice", role: "org:member" })).status).toBe(422);
    expect((await call("POST", path, { user_id: "user_seed_bob", role: "org:owner" })).status).toBe(422);
    expect((await call("POST", path, { user_id: "user_nobody", role: "org:member" })).status).toBe(404);

    delivery = running.endpoint.next();
    const changed = await call("PATCH", `${path}/user_seed_alice`, { role: "org:admin" });
    expect(changed.body).toMatchObject({ role: "org:admin", role_name: "Admin" });
    expect((await verifiedEvent(await delivery, running.test.emulator.webhookSigningSecret!)).type).toBe(
      "organizationMembership.updated",
    );

    delivery = running.endpoint.next();
    expect((await call("DELETE", `${path}/user_seed_alice`)).status).toBe(200);
    expect(await verifiedEvent(await delivery, running.test.emulator.webhookSigningSecret!)).toMatchObject({
      type: "organizationMembership.deleted",
      data: { public_user_data: { user_id: "user_seed_alice" } },
    });
    expect((await call("DELETE", `${path}/user_seed_alice`)).status).toBe(404);
    expect((await call("PATCH", `${path}/user_seed_alice`, { role: "org:admin" })).status).toBe(404);
  });
});

describe("sessions with an active organization", () => {
  it("carry session token v2's `o` claim, which getAuth reads as orgId, orgRole, orgSlug and has()", async () => {
    const sessionId = await sessionIn("user_seed_alice", "org_seed_acme");
    const { body } = await call("POST", `/v1/sessions/${sessionId}/tokens`);
    const claims = claimsOf(body.jwt);
    expect(claims).toMatchObject({
      v: 2,
      fea: "o:tokens",
      o: { id: "org_seed_acme", slg: "acme", rol: "admin", per: "manage,read", fpm: "3" },
    });
    const auth = await authOf(body.jwt);
    expect(auth).toMatchObject({ orgId: "org_seed_acme", orgRole: "org:admin", orgSlug: "acme" });
    expect(auth.orgPermissions).toEqual(["org:tokens:manage", "org:tokens:read"]);
    expect(auth.has({ role: "org:admin" })).toBe(true);
    expect(auth.has({ permission: "org:tokens:manage" })).toBe(true);
  });

  it("give Bob, an ordinary member, org:member and only the permission to read", async () => {
    const { body } = await call("POST", `/v1/sessions/${await sessionIn("user_seed_bob", "acme")}/tokens`);
    expect(claimsOf(body.jwt).o).toEqual({ id: "org_seed_acme", slg: "acme", rol: "member", per: "read", fpm: "1" });
    const auth = await authOf(body.jwt);
    expect(auth).toMatchObject({ orgRole: "org:member", orgPermissions: ["org:tokens:read"] });
    expect(auth.has({ role: "org:admin" })).toBe(false);
    expect(auth.has({ permission: "org:tokens:manage" })).toBe(false);
    expect(auth.has({ permission: "org:tokens:read" })).toBe(true);
  });

  it("mint template tokens for the organization; the personal account's have no organization at all", async () => {
    const inAcme = await call(
      "POST",
      `/v1/sessions/${await sessionIn("user_seed_bob", "org_seed_acme")}/tokens/organization`,
    );
    expect(claimsOf(inAcme.body.jwt)).toMatchObject({
      org_id: "org_seed_acme",
      org_slug: "acme",
      org_role: "org:member",
      org_name: "Acme",
      org_plan: "enterprise",
      team: "support",
      permissions: ["org:tokens:read"],
    });
    const personal = await sessionIn("user_seed_bob");
    const sessionToken = claimsOf((await call("POST", `/v1/sessions/${personal}/tokens`)).body.jwt);
    expect(sessionToken).not.toHaveProperty("o");
    expect(sessionToken).not.toHaveProperty("fea");
    expect((await authOf((await call("POST", `/v1/sessions/${personal}/tokens`)).body.jwt)).orgId).toBeUndefined();
    expect(claimsOf((await call("POST", `/v1/sessions/${personal}/tokens/organization`)).body.jwt)).toMatchObject({
      org_id: null,
      org_slug: null,
      org_role: null,
      org_plan: "none",
      permissions: null,
    });
  });

  it("are refused for an organization the user is not a member of, and once the membership ends", async () => {
    const { body: organization } = await call("POST", "/v1/organizations", {
      name: "Umbrella",
      created_by: "user_seed_alice",
    });
    const refused = await call("POST", "/v1/sessions", {
      user_id: "user_seed_bob",
      active_organization_id: organization.id,
    });
    expect(refused.status).toBe(404);
    expect(refused.body).toEqual(notAMember);
    expect((await call("POST", "/v1/sessions", { user_id: "user_nobody" })).status).toBe(404);

    await call("POST", `/v1/organizations/${organization.id}/memberships`, {
      user_id: "user_seed_bob",
      role: "org:member",
    });
    const sessionId = await sessionIn("user_seed_bob", organization.id);
    expect((await call("POST", `/v1/sessions/${sessionId}/tokens/organization`)).status).toBe(200);
    await call("DELETE", `/v1/organizations/${organization.id}/memberships/user_seed_bob`);
    for (const path of [`/v1/sessions/${sessionId}/tokens/organization`, `/v1/sessions/${sessionId}/tokens`]) {
      const { status, body } = await call("POST", path);
      expect([status, body]).toEqual([404, notAMember]);
    }
    // The session still names the organization: Clerk does not switch it to the personal account.
    expect((await call("GET", `/v1/sessions/${sessionId}`)).body.last_active_organization_id).toBe(organization.id);
  });
});

describe("changing and deleting an organization", () => {
  const event = async (delivery: Promise<Parameters<typeof verifiedEvent>[0]>) =>
    verifiedEvent(await delivery, running.test.emulator.webhookSigningSecret!);

  it("PATCH renames it and changes its metadata, announced by organization.updated; tokens render the new values", async () => {
    const { body: created } = await call("POST", "/v1/organizations", { name: "Globex", created_by: "user_seed_bob" });
    const sessionId = await sessionIn("user_seed_bob", created.id);
    const delivery = running.endpoint.next();
    const changes = {
      name: "Globex Two",
      slug: "globex-two",
      public_metadata: { plan: "pro" },
      max_allowed_memberships: null,
    };
    const patched = await call("PATCH", `/v1/organizations/${created.id}`, changes);
    expect(patched.body).toMatchObject({ ...changes, id: created.id, max_allowed_memberships: 5 });
    expect(await event(delivery)).toMatchObject({
      type: "organization.updated",
      data: { id: created.id, slug: "globex-two" },
    });
    const { body } = await call("POST", `/v1/sessions/${sessionId}/tokens/organization`);
    expect(claimsOf(body.jwt)).toMatchObject({ org_slug: "globex-two", org_name: "Globex Two", org_plan: "pro" });

    const refusals = await Promise.all([
      call("PATCH", `/v1/organizations/${created.id}`, { slug: "acme" }),
      call("PATCH", `/v1/organizations/${created.id}`, { slug: "Not A Slug" }),
      call("PATCH", `/v1/organizations/${created.id}`, { role_set_key: "default" }),
    ]);
    expect(refusals.map(({ status, body }) => [status, body.errors[0].code, body.errors[0].meta.param_name])).toEqual([
      [422, "form_identifier_exists", "slug"],
      [422, "form_param_value_invalid", "slug"],
      [422, "form_param_unknown", "role_set_key"],
    ]);
    expect((await call("PATCH", "/v1/organizations/org_nothing", { name: "x" })).status).toBe(404);
  });

  it("DELETE removes it and its memberships, announced by organization.deleted; its sessions are on the personal account", async () => {
    const { body: created } = await call("POST", "/v1/organizations", { name: "Hooli", created_by: "user_seed_bob" });
    const sessionId = await sessionIn("user_seed_bob", created.id);
    const delivery = running.endpoint.next();
    const deleted = { object: "organization", id: created.id, slug: "hooli", deleted: true };
    expect((await call("DELETE", `/v1/organizations/${created.id}`)).body).toEqual(deleted);
    expect(await event(delivery)).toMatchObject({ type: "organization.deleted", data: deleted });
    expect((await call("GET", `/v1/organizations/${created.id}`)).status).toBe(404);
    expect((await call("GET", `/v1/sessions/${sessionId}`)).body.last_active_organization_id).toBeNull();
    const { body } = await call("POST", `/v1/sessions/${sessionId}/tokens/organization`);
    expect(claimsOf(body.jwt)).toMatchObject({ org_id: null });
  });
});

describe.skipIf(specMissingReason !== undefined)(specValidationTitle, () => {
  it("checked every response the tests above received", () => {
    expect(spec.checkedCount()).toBeGreaterThan(40);
  });
});
