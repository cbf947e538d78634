import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callBackendApi } from "../../support/backend-api";
import { specMissingReason, specValidationTitle, validateEveryResponse } from "./support/clerk-openapi";
import { startTestEmulator, type TestEmulator } from "./support/emulator";
import { Browser, claimsOf } from "./support/frontend-api";

// What <OrganizationSwitcher/> and setActive({ organization }) do through the Frontend API: the
// memberships on the user, touch with active_organization_id, tokens with organization_id, and
// the /v1/me lists, as clerk-js 5 sends them (null as an empty value: the personal account).

const spec = validateEveryResponse();
let test: TestEmulator;
let development: TestEmulator;
beforeAll(async () => {
  [test, development] = await Promise.all([startTestEmulator(), startTestEmulator({ instance: "development" })]);
});
afterAll(() => Promise.all([test.stop(), development.stop()]));

const notAMember = expect.objectContaining({
  errors: [expect.objectContaining({ code: "organization_not_found_or_unauthorized" })],
});

async function signedIn(email: string, password: string, emulator = test) {
  const browser =
    emulator.emulator.instanceKind === "development"
      ? await Browser.withDevBrowser(emulator.emulator)
      : new Browser(emulator.emulator);
  const { sessionId } = await browser.signIn(email, password);
  return { browser, sessionId };
}

const alice = () => signedIn("alice@example.com", "alice-password-1");

const touch = (browser: Browser, sessionId: string, organization: string) =>
  browser.call("POST", `/v1/client/sessions/${sessionId}/touch`, {
    active_organization_id: organization,
    intent: "select_org",
  });

describe("the signed-in client", () => {
  it("lists the user's memberships, starting on the personal account; the environment has organizations on", async () => {
    const { browser } = await alice();
    const [session] = (await browser.call("GET", "/v1/client")).body.response.sessions;
    expect(session.last_active_organization_id).toBeNull();
    expect(session.user.organization_memberships).toEqual([
      expect.objectContaining({
        object: "organization_membership",
        role: "org:admin",
        role_name: "Admin",
        organization: expect.objectContaining({ id: "org_seed_acme", slug: "acme", name: "Acme", members_count: 2 }),
        public_user_data: expect.objectContaining({ user_id: "user_seed_alice" }),
      }),
    ]);
    expect(JSON.stringify(session.user)).not.toMatch(/private_metadata|never sent/);
    expect(claimsOf(session.last_active_token.jwt)).not.toHaveProperty("o");
    const { organization_settings } = (await browser.call("GET", "/v1/environment")).body;
    expect(organization_settings).toMatchObject({ enabled: true });
  });
});

describe("setActive({ organization }): touch with active_organization_id", () => {
  it("activates an organization by id or slug, and the personal account with an empty value", async () => {
    const { browser, sessionId } = await alice();
    const toAcme = await touch(browser, sessionId, "org_seed_acme");
    expect(toAcme.status).toBe(200);
    expect(toAcme.body.response.last_active_organization_id).toBe("org_seed_acme");
    expect(claimsOf(toAcme.body.response.last_active_token.jwt).o).toMatchObject({ id: "org_seed_acme", rol: "admin" });
    expect(toAcme.body.client.sessions[0].last_active_organization_id).toBe("org_seed_acme");

    const toPersonal = await touch(browser, sessionId, "");
    expect(toPersonal.body.response.last_active_organization_id).toBeNull();
    expect(claimsOf(toPersonal.body.response.last_active_token.jwt)).not.toHaveProperty("o");

    const bySlug = await touch(browser, sessionId, "acme");
    expect(bySlug.body.response.last_active_organization_id).toBe("org_seed_acme");
    // A focus touch without the parameter keeps it.
    const focus = await browser.call("POST", `/v1/client/sessions/${sessionId}/touch`, { intent: "focus" });
    expect(focus.body.response.last_active_organization_id).toBe("org_seed_acme");
  });

  it("refuses an organization the user is not a member of, changing nothing", async () => {
    const { body: other } = await callBackendApi(test.emulator, "POST", "/v1/organizations", {
      body: { name: "Not Alice's", created_by: "user_seed_bob" },
    });
    const { browser, sessionId } = await alice();
    for (const organization of [other.id, "org_nope"]) {
      const { status, body } = await touch(browser, sessionId, organization);
      expect([status, body]).toEqual([404, notAMember]);
    }
    expect((await browser.clientState()).sessions[0].last_active_organization_id).toBeNull();
  });
});

describe("getToken(): tokens with organization_id", () => {
  it("mints for the organization named, the personal account when empty, the session's when absent", async () => {
    const { browser, sessionId } = await alice();
    const token = async (form: Record<string, string>) =>
      claimsOf((await browser.call("POST", `/v1/client/sessions/${sessionId}/tokens`, form)).body.jwt);
    expect((await token({ organization_id: "org_seed_acme" })).o).toMatchObject({ id: "org_seed_acme" });
    // Naming one does not make it the session's active organization.
    expect(await token({})).not.toHaveProperty("o");
    await touch(browser, sessionId, "org_seed_acme");
    expect((await token({})).o).toMatchObject({ slg: "acme" });
    expect(await token({ organization_id: "" })).not.toHaveProperty("o");
    const refused = await browser.call("POST", `/v1/client/sessions/${sessionId}/tokens`, {
      organization_id: "org_nope",
    });
    expect([refused.status, refused.body]).toEqual([404, notAMember]);

    const template = await browser.call("POST", `/v1/client/sessions/${sessionId}/tokens/organization`);
    expect(claimsOf(template.body.jwt)).toMatchObject({ org_id: "org_seed_acme", org_role: "org:admin" });
  });

  it("refuses the organization once the membership has ended, until another is chosen", async () => {
    const { body: organization } = await callBackendApi(test.emulator, "POST", "/v1/organizations", {
      body: { name: "Short Lived", created_by: "user_seed_alice" },
    });
    const bob = await signedIn("bob@example.com", "bob-password-1");
    const path = `/v1/organizations/${organization.id}/memberships`;
    await callBackendApi(test.emulator, "POST", path, { body: { user_id: "user_seed_bob", role: "org:member" } });
    expect((await touch(bob.browser, bob.sessionId, organization.id)).status).toBe(200);

    await callBackendApi(test.emulator, "DELETE", `${path}/user_seed_bob`);
    const tokens = `/v1/client/sessions/${bob.sessionId}/tokens`;
    for (const [path, form] of [
      [tokens, {}],
      [`${tokens}/organization`, {}],
      [tokens, { organization_id: organization.id }],
    ] as const) {
      const { status, body } = await bob.browser.call("POST", path, form);
      expect([path, status, body]).toEqual([path, 404, notAMember]);
    }
    const [session] = (await bob.browser.call("GET", "/v1/client")).body.response.sessions;
    expect(session.last_active_token).toBeNull();
    const memberOf = session.user.organization_memberships.map(
      (m: { organization: { id: string } }) => m.organization.id,
    );
    expect(memberOf).toContain("org_seed_acme");
    expect(memberOf).not.toContain(organization.id);

    expect((await touch(bob.browser, bob.sessionId, "")).status).toBe(200);
    expect((await bob.browser.call("POST", tokens, {})).status).toBe(200);
  });
});

describe("GET /v1/me/organization_memberships, _invitations, _suggestions", () => {
  it("pages the user's memberships in the client envelope, as <OrganizationSwitcher/> asks for them", async () => {
    const { browser } = await alice();
    const page = await browser.call("GET", "/v1/me/organization_memberships?paginated=true&limit=10&offset=0");
    expect(page.status).toBe(200);
    expect(page.body.response.total_count).toBeGreaterThanOrEqual(1);
    expect(page.body.response.data[0]).toMatchObject({ role: "org:admin", organization: { slug: expect.any(String) } });
    expect(page.body.client.sessions).toHaveLength(1);
    const beyond = await browser.call("GET", "/v1/me/organization_memberships?paginated=true&limit=10&offset=50");
    expect(beyond.body.response.data).toEqual([]);
    expect(Array.isArray((await browser.call("GET", "/v1/me/organization_memberships")).body.response)).toBe(true);
    expect((await browser.call("GET", "/v1/me/organization_memberships?limit=0")).status).toBe(422);

    for (const list of ["organization_invitations?status=pending", "organization_suggestions?status=pending"]) {
      expect((await browser.call("GET", `/v1/me/${list}`)).body.response).toEqual({ data: [], total_count: 0 });
    }
  });

  it("answers signed_out to a browser that is not signed in", async () => {
    const { status, body } = await new Browser(test.emulator).call("GET", "/v1/me/organization_memberships");
    expect(status).toBe(401);
    expect(body.errors[0].code).toBe("signed_out");
  });

  it("knows a development instance's browser by its dev browser", async () => {
    const { browser } = await signedIn("bob@example.com", "bob-password-1", development);
    const { body } = await browser.call("GET", "/v1/me/organization_memberships?paginated=true");
    expect(body.response.data).toEqual([expect.objectContaining({ role: "org:member" })]);
    const stranger = new Browser(development.emulator);
    expect((await stranger.call("GET", "/v1/me/organization_memberships")).body.errors[0].code).toBe(
      "dev_browser_unauthenticated",
    );
  });
});

describe.skipIf(specMissingReason !== undefined)(specValidationTitle, () => {
  it("checked every response the tests above received", () => {
    expect(spec.checkedCount()).toBeGreaterThan(30);
  });
});
