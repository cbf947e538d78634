import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAppServerToExit, startAppServer, type AppServer } from "../../support/app-server";
import { callBackendApi } from "../../support/backend-api";
import { appEnvFor, mintSessionToken } from "../../support/clerk-env";
import { startLaunchedEmulator, startTestEmulator, type TestEmulator } from "../support/emulator";

/**
 * Who may do what with templates (issue 21): only TEMPLATE_EDITORS create, edit, rename or
 * export them, never a template with its own key, and never with a production key. Bob is the
 * seed's ordinary user; Alice its admin, whom the launchers name as the editor.
 */

const STUDIO_DATA = "_data=routes%2Ftemplates.%24templateId";
const TEST_TEMPLATE_ID = "jtmp_seed_test";
const PARTNER_TEMPLATE_ID = "jtmp_seed_partner_hs256";

let emulator: TestEmulator;
/** As `npm run dev` runs it: CLERK_JWT_TEMPLATES=*, TEMPLATE_EDITORS=alice@example.com. */
let app: AppServer;
const tokens = { alice: "", bob: "" };
const backendCalls: string[] = [];

beforeAll(async () => {
  emulator = await startLaunchedEmulator({ log: (line) => backendCalls.push(line) });
  app = await startAppServer(appEnvFor(emulator, { CLERK_JWT_TEMPLATES: "*" }));
  tokens.alice = await mintSessionToken(emulator, "sess_seed_alice");
  tokens.bob = await mintSessionToken(emulator, "sess_seed_bob");
});

afterAll(async () => {
  await app?.stop();
  await emulator?.stop();
});

type Who = keyof typeof tokens;
const as = (who: Who) => ({ Authorization: `Bearer ${tokens[who]}` });

function post(server: AppServer, who: Who, path: string, fields: Record<string, string>) {
  return fetch(`${server.url}${path}?${STUDIO_DATA}`, {
    method: "POST",
    headers: { ...as(who), Origin: server.url },
    body: new URLSearchParams({ lifetime: "60", allowedClockSkew: "5", ...fields }),
  });
}

async function templateInClerk(templateId: string) {
  return (await callBackendApi(emulator, "GET", `/v1/jwt_templates/${templateId}`)).body as Record<string, unknown>;
}

async function expectRefused(response: Response, code: string) {
  expect(response.status).toBe(403);
  expect(await response.json()).toMatchObject({ code });
}

describe("a signed-in user TEMPLATE_EDITORS does not name (Bob)", () => {
  it("may not edit, rename, export or create a template, and `test` is unchanged", async () => {
    const before = await templateInClerk(TEST_TEMPLATE_ID);
    const path = `/templates/${TEST_TEMPLATE_ID}`;
    const edit = { name: "test", claims: JSON.stringify({ ...(before.claims as object), role: "admin" }) };
    await expectRefused(await post(app, "bob", path, edit), "not_a_template_editor");
    await expectRefused(await post(app, "bob", path, { name: "renamed", claims: "{}" }), "not_a_template_editor");
    await expectRefused(
      await post(app, "bob", "/templates/new", { name: "bobs", claims: "{}" }),
      "not_a_template_editor",
    );
    // The studio page is where the claims are exported: its data and the page itself.
    await expectRefused(
      await fetch(`${app.url}${path}?${STUDIO_DATA}`, { headers: as("bob") }),
      "not_a_template_editor",
    );
    const page = await fetch(`${app.url}${path}`, { headers: { ...as("bob"), Accept: "text/html" } });
    expect(page.status).toBe(403);
    expect(await page.text()).not.toContain("{{user.primary_email_address}}");

    expect(await templateInClerk(TEST_TEMPLATE_ID)).toEqual(before);
    const answer = await fetch(`${app.url}/api/get-token-example?template=test`, {
      headers: { ...as("bob"), "Cache-Control": "no-cache" },
    });
    const { token } = (await answer.json()) as { token: { jwt: string } };
    expect(JSON.parse(Buffer.from(token.jwt.split(".")[1]!, "base64url").toString())).not.toHaveProperty("role");
  });

  it("sees on /templates who may edit, no Edit or New button and no template's claims", async () => {
    const html = await (await fetch(`${app.url}/templates`, { headers: as("bob") })).text();
    expect(html).toContain("Only template editors may create, edit or export templates: alice@example.com");
    for (const name of ["test", "profile", "partner-hs256"]) expect(html).toContain(`data-template="${name}"`);
    for (const hidden of ["/templates/new", `/templates/${TEST_TEMPLATE_ID}`, "{{user.", "partner.example"]) {
      expect(html).not.toContain(hidden);
    }
  });

  it("costs one Backend API call for their address however often they load the page", async () => {
    for (let load = 0; load < 3; load += 1) await fetch(`${app.url}/templates`, { headers: as("bob") });
    // With the studio requests above: one read in all, within the five minutes an address is kept.
    expect(backendCalls.filter((line) => line.startsWith("GET /v1/users/user_seed_bob "))).toHaveLength(1);
  });
});

describe("a template editor (Alice)", () => {
  it("sees every template with its claims, and an Edit button on each but the own-key one", async () => {
    const html = await (await fetch(`${app.url}/templates`, { headers: as("alice") })).text();
    expect(html).toContain("partner.example");
    expect(html).toContain(`href="/templates/${TEST_TEMPLATE_ID}"`);
    expect(html).not.toContain(`href="/templates/${PARTNER_TEMPLATE_ID}"`);
    expect(html).toContain("the studio does not write templates with their own key");
  });

  it("may not write a template signed with its own key: 403 naming why, and it is unchanged", async () => {
    const before = await templateInClerk(PARTNER_TEMPLATE_ID);
    const path = `/templates/${PARTNER_TEMPLATE_ID}`;
    const write = await post(app, "alice", path, { name: "partner-hs256", claims: '{"aud": "attacker.example"}' });
    expect(write.status).toBe(403);
    expect(await write.json()).toMatchObject({
      code: "template_has_own_key",
      message: expect.stringContaining('"partner-hs256" is signed with its own key (HS256)'),
    });
    await expectRefused(await post(app, "alice", path, { name: "renamed", claims: "{}" }), "template_has_own_key");
    await expectRefused(
      await fetch(`${app.url}${path}?${STUDIO_DATA}`, { headers: as("alice") }),
      "template_has_own_key",
    );
    expect(await templateInClerk(PARTNER_TEMPLATE_ID)).toEqual(before);
  });
});

describe("editors named by user id, and CLERK_JWT_TEMPLATES=test", () => {
  let byId: AppServer;
  beforeAll(async () => {
    byId = await startAppServer(
      appEnvFor(emulator, { CLERK_JWT_TEMPLATES: "test", TEMPLATE_EDITORS: "user_seed_alice" }),
    );
  });
  afterAll(() => byId?.stop());

  it("lists only the allowed names to a non-editor, and everything to the editor, without a users call", async () => {
    const start = backendCalls.length;
    const bob = await (await fetch(`${byId.url}/templates`, { headers: as("bob") })).text();
    expect(bob).toContain('data-template="test"');
    for (const hidden of ["profile", "partner-hs256", "{{user."]) expect(bob).not.toContain(hidden);
    const alice = await (await fetch(`${byId.url}/templates`, { headers: as("alice") })).text();
    for (const name of ["profile", "partner-hs256"]) expect(alice).toContain(`data-template="${name}"`);
    expect(backendCalls.slice(start).filter((line) => line.includes("/v1/users/"))).toEqual([]);
  });
});

describe("start-up", () => {
  it("refuses a development instance with TEMPLATE_EDITING=on and no editors, naming TEMPLATE_EDITORS", async () => {
    const { OFFLINE_EMULATOR: _offline, ...development } = appEnvFor(emulator);
    const { code, output } = await runAppServerToExit({
      ...development,
      TEMPLATE_EDITING: "on",
      TEMPLATE_EDITORS: "",
    });
    expect(code).not.toBe(0);
    expect(output).toContain(
      "TEMPLATE_EDITORS names nobody and TEMPLATE_EDITOR_ROLE is unset, yet template editing is on (TEMPLATE_EDITING=on)",
    );
  });

  it("keeps editing off with the emulator's own sk_live_ key, OFFLINE_EMULATOR=on and editors named", async () => {
    const production = await startTestEmulator();
    const server = await startAppServer(appEnvFor(production));
    try {
      const alice = await mintSessionToken(production, "sess_seed_alice");
      const studio = await fetch(`${server.url}/templates/new?${STUDIO_DATA}`, {
        headers: { Authorization: `Bearer ${alice}` },
      });
      await expectRefused(studio, "template_editing_off");
    } finally {
      await server.stop();
      await production.stop();
    }
  });
});
