import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startAppServer, type AppServer } from "../../support/app-server";
import { callBackendApi } from "../../support/backend-api";
import { appEnvFor, mintSessionToken } from "../../support/clerk-env";
import { startLaunchedEmulator, type TestEmulator } from "../support/emulator";
import { webhookDeliveries } from "../support/webhook-deliveries";

/**
 * Template editors named by a role (issue 21, decision 032): TEMPLATE_EDITOR_ROLE=admin and nobody in
 * TEMPLATE_EDITORS. The role is the user's public metadata `role`, which only the Backend API or the
 * Dashboard writes; an organization role, which any user gets by creating an organization, never counts.
 * The seed's Alice has `role: "admin"`, Bob none.
 */

const STUDIO_DATA = "_data=routes%2Ftemplates.%24templateId";
const TEST_TEMPLATE = "/templates/jtmp_seed_test";
const BOB = "user_seed_bob";
const ROLE_ENV = { TEMPLATE_EDITORS: "", TEMPLATE_EDITOR_ROLE: "admin" };

let emulator: TestEmulator;
let app: AppServer;
const tokens = { alice: "", bob: "" };
const webhooks = webhookDeliveries();

beforeAll(async () => {
  const port = await freePort();
  emulator = await startLaunchedEmulator({
    webhooks: { url: `http://127.0.0.1:${port}/api/webhooks/clerk` },
    log: webhooks.log,
  });
  app = await startAppServer(appEnvFor(emulator, ROLE_ENV), port);
  tokens.alice = await mintSessionToken(emulator, "sess_seed_alice");
  tokens.bob = await mintSessionToken(emulator, "sess_seed_bob");
});

afterAll(async () => {
  await app?.stop();
  await emulator?.stop();
});

const backend = async (method: string, path: string, body?: unknown) =>
  (await callBackendApi(emulator, method, path, { body })).body;

function save(server: AppServer, sessionToken: string, path = TEST_TEMPLATE) {
  return fetch(`${server.url}${path}?${STUDIO_DATA}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${sessionToken}`, Origin: server.url },
    body: new URLSearchParams({
      name: "test",
      claims: JSON.stringify({ aud: "remix-clerk-tokens" }),
      lifetime: "60",
      allowedClockSkew: "5",
    }),
  });
}

async function expectNotAnEditor(response: Response) {
  expect(response.status).toBe(403);
  expect(await response.json()).toMatchObject({
    code: "not_a_template_editor",
    message: expect.stringContaining('users whose public metadata role is "admin" (TEMPLATE_EDITOR_ROLE'),
  });
}

describe("TEMPLATE_EDITOR_ROLE=admin, nobody in TEMPLATE_EDITORS", () => {
  it("refuses Bob (no role) save, export and create, tells him the role rule, and lets Alice (role admin) save", async () => {
    await expectNotAnEditor(await save(app, tokens.bob));
    await expectNotAnEditor(await save(app, tokens.bob, "/templates/new"));
    await expectNotAnEditor(
      await fetch(`${app.url}${TEST_TEMPLATE}?${STUDIO_DATA}`, { headers: { Authorization: `Bearer ${tokens.bob}` } }),
    );
    const page = await (
      await fetch(`${app.url}/templates`, { headers: { Authorization: `Bearer ${tokens.bob}` } })
    ).text();
    expect(page).toContain("Only template editors may create, edit or export templates: users whose public metadata");
    expect((await save(app, tokens.alice)).status).toBe(200);
  });

  it("does not make the org:admin of an organization Bob created an editor", async () => {
    const organization = await backend("POST", "/v1/organizations", { name: "Bob's own", created_by: BOB });
    const session = await backend("POST", "/v1/sessions", { user_id: BOB, active_organization_id: organization.id });
    const inHisOrganization = await mintSessionToken(emulator, session.id);
    // The session token says admin, as organization roles do (v2 claims: `o.rol`, without `org:`).
    expect(decodeJwt(inHisOrganization)).toMatchObject({ o: { id: organization.id, rol: "admin" } });
    await expectNotAnEditor(await save(app, inHisOrganization));
  });

  it("counts a granted or removed role at once when Clerk's user.updated arrives, and drops his reused tokens", async () => {
    const tokenRoute = () =>
      fetch(`${app.url}/api/get-token-example`, { headers: { Authorization: `Bearer ${tokens.bob}` } });
    await tokenRoute();
    expect((await tokenRoute()).headers.get("Server-Timing")).toMatch(/cache;desc="hit"/);
    // This process has read Bob's user (no role) above, and would keep that for 5 minutes without the webhook.
    await expectNotAnEditor(await save(app, tokens.bob));

    await backend("PATCH", `/v1/users/${BOB}/metadata`, { public_metadata: { role: "admin" } });
    await webhooks.delivered("user.updated");
    expect((await save(app, tokens.bob)).status).toBe(200);
    // What {{user.*}} renders may have changed: his next token is a fresh Clerk call.
    expect((await tokenRoute()).headers.get("Server-Timing")).toMatch(/cache;desc="miss"/);

    await backend("PATCH", `/v1/users/${BOB}/metadata`, { public_metadata: { role: null } });
    await webhooks.delivered("user.updated");
    await expectNotAnEditor(await save(app, tokens.bob));
  });

  it("never counts unsafe_metadata, which users write themselves from the browser", async () => {
    await backend("PATCH", `/v1/users/${BOB}/metadata`, { unsafe_metadata: { role: "admin" } });
    try {
      await webhooks.delivered("user.updated");
      await expectNotAnEditor(await save(app, tokens.bob));
    } finally {
      await backend("PATCH", `/v1/users/${BOB}/metadata`, { unsafe_metadata: { role: null } });
      await webhooks.delivered("user.updated");
    }
  });
});

describe("with the public metadata in the session token (Clerk's basic RBAC guide)", () => {
  let customized: TestEmulator;
  let server: AppServer;
  const backendCalls: string[] = [];
  beforeAll(async () => {
    customized = await startLaunchedEmulator({
      sessionTokenClaims: { metadata: "{{user.public_metadata}}" },
      log: (line) => backendCalls.push(line),
    });
    server = await startAppServer(appEnvFor(customized, ROLE_ENV));
  });
  afterAll(async () => {
    await server?.stop();
    await customized?.stop();
  });

  it("reads the role from the token, without a users call: Bob's next token after the grant lets him save", async () => {
    const before = await mintSessionToken(customized, "sess_seed_bob");
    await expectNotAnEditor(await save(server, before));
    await callBackendApi(customized, "PATCH", `/v1/users/${BOB}/metadata`, {
      body: { public_metadata: { role: "admin" } },
    });
    // clerk-js fetches a new session token every minute: this is the next one.
    const after = await mintSessionToken(customized, "sess_seed_bob");
    expect(decodeJwt(after)).toMatchObject({ metadata: { role: "admin" } });
    expect((await save(server, after)).status).toBe(200);
    const bobsCalls = backendCalls.filter((line) => line.includes(`/v1/users/${BOB}`));
    expect(bobsCalls.map((line) => line.split(" ")[0])).toEqual(["PATCH"]);
  });
});
