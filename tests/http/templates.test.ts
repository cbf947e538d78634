import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runAppServerToExit, startAppServer, type AppServer } from "../../support/app-server";
import { callBackendApi } from "../../support/backend-api";
import { appEnvFor, mintSessionToken } from "../../support/clerk-env";
import { tamper } from "../../support/forge";
import { startLocalRedis, type LocalRedis } from "../../support/redis-server";
import { startLaunchedEmulator, type TestEmulator } from "../support/emulator";

/** The studio's save, as its fetcher posts it: Remix answers with the action's JSON. */
const STUDIO_DATA = "_data=routes%2Ftemplates.%24templateId";
const PARTNER_SIGNING_KEY = "partner-shared-secret-for-the-emulator-only-0123456789";

let emulator: TestEmulator;
/** CLERK_JWT_TEMPLATES=* with a refresh too slow to matter: only a not-found or a save refreshes. */
let app: AppServer;
let aliceToken: string;
const backendCalls: string[] = [];

beforeAll(async () => {
  emulator = await startLaunchedEmulator({ log: (line) => backendCalls.push(line) });
  app = await startAppServer(appEnvFor(emulator, { CLERK_JWT_TEMPLATES: "*", TEMPLATE_LIST_REFRESH_SECONDS: "3600" }));
  aliceToken = await mintSessionToken(emulator, "sess_seed_alice");
});

afterAll(async () => {
  await app?.stop();
  await emulator?.stop();
});

const bearer = () => ({ Authorization: `Bearer ${aliceToken}` });

function getToken(server: AppServer, template: string) {
  return fetch(`${server.url}/api/get-token-example?template=${template}`, {
    headers: { ...bearer(), "Cache-Control": "no-cache" },
  });
}

/** The Backend API calls the emulator served while `run` ran. */
async function callsDuring(run: () => Promise<unknown>): Promise<string[]> {
  const start = backendCalls.length;
  await run();
  return backendCalls.slice(start);
}

function saveTemplate(path: string, fields: Record<string, string>, headers: Record<string, string> = bearer()) {
  return fetch(`${app.url}${path}?${STUDIO_DATA}`, {
    method: "POST",
    headers: { ...headers, Origin: app.url },
    body: new URLSearchParams({ lifetime: "60", allowedClockSkew: "5", ...fields }),
  });
}

async function claimsOf(response: Response) {
  const { token } = (await response.json()) as { token: { jwt: string } };
  return JSON.parse(Buffer.from(token.jwt.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;
}

describe("/templates", () => {
  it("lists the instance's templates with lifetime, skew, algorithm and claims, never a signing key", async () => {
    const response = await fetch(`${app.url}/templates`, { headers: bearer() });
    expect(response.status).toBe(200);
    const html = await response.text();
    for (const text of ["profile", "300<!-- --> s", "HS256", "partner.example", "/?template=partner-hs256"]) {
      expect(html).toContain(text);
    }
    expect(html).not.toContain(PARTNER_SIGNING_KEY);
  });

  it("sends a signed-out visitor to sign in", async () => {
    const response = await fetch(`${app.url}/templates`, { redirect: "manual" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/sign-in?redirect_url=%2Ftemplates");
  });
});

describe("CLERK_JWT_TEMPLATES=*", () => {
  it("serves every template the instance has", async () => {
    for (const template of ["profile", "partner-hs256"]) expect((await getToken(app, template)).status).toBe(200);
  });

  it("answers a name the instance does not have with 400, without calling Clerk", async () => {
    let response: Response | undefined;
    const calls = await callsDuring(async () => (response = await getToken(app, "not-in-this-instance")));
    expect(response!.status).toBe(400);
    expect(await response!.json()).toMatchObject({ code: "template_not_allowed" });
    expect(calls).toEqual([]);
  });

  it("after Clerk answers template_not_found, reads the list again and refuses the name without a call", async () => {
    const created = await saveTemplate("/templates/new", { name: "short-lived", claims: '{"a": 1}' });
    const { saved } = (await created.json()) as { saved: { id: string } };
    await expectRefusedOnceGone(app, "short-lived", saved.id);
  });
});

/** Asks for `name` until Clerk says it is gone, then expects the app to refuse it without a call. */
async function expectRefusedOnceGone(server: AppServer, name: string, templateId: string) {
  expect((await getToken(server, name)).status).toBe(200);
  await callBackendApi(emulator, "DELETE", `/v1/jwt_templates/${templateId}`);
  const gone = await getToken(server, name);
  expect(gone.status).toBe(404);
  expect(await gone.json()).toMatchObject({ code: "template_not_found" });

  await expect.poll(async () => (await getToken(server, name)).status).toBe(400);
  expect(await callsDuring(() => getToken(server, name))).toEqual([]);
}

describe("CLERK_JWT_TEMPLATES=* with REDIS_URL", () => {
  let redis: LocalRedis;
  let shared: AppServer;
  let templateId: string;
  beforeAll(async () => {
    // Made before the start, so that the app's first read of the list has it.
    const created = await callBackendApi(emulator, "POST", "/v1/jwt_templates", {
      body: { name: "short-lived-shared", claims: { a: 1 } },
    });
    templateId = (created.body as { id: string }).id;
    redis = await startLocalRedis();
    shared = await startAppServer(
      appEnvFor(emulator, { CLERK_JWT_TEMPLATES: "*", TEMPLATE_LIST_REFRESH_SECONDS: "3600", REDIS_URL: redis.url }),
    );
    // Until Redis is up the app uses its local cache, where the refresh never went missing.
    await vi.waitFor(() => expect(shared.output()).toContain("Sharing template tokens through Redis"), {
      timeout: 10_000,
    });
  });
  afterAll(async () => {
    await shared?.stop();
    await redis?.remove();
  });

  it("after Clerk answers template_not_found, reads the list again and refuses the name without a call", async () => {
    await expectRefusedOnceGone(shared, "short-lived-shared", templateId);
  });
});

describe("the studio", () => {
  it("creates a template through the Backend API that the token route serves at once, and updates it", async () => {
    const created = await saveTemplate("/templates/new", {
      name: "studio-made",
      claims: JSON.stringify({ who: "{{user.first_name}} {{user.last_name}}", role: "{{user.public_metadata.role}}" }),
      lifetime: "120",
    });
    expect(created.status).toBe(200);
    const { saved } = (await created.json()) as { saved: { id: string; lifetime: number } };
    expect(saved.lifetime).toBe(120);
    const claims = await claimsOf(await getToken(app, "studio-made"));
    expect(claims).toMatchObject({ who: "Alice Anderson", role: "admin" });
    expect((claims.exp as number) - (claims.iat as number)).toBe(120);

    const updated = await saveTemplate(`/templates/${saved.id}`, { name: "studio-made", claims: '{"who": "nobody"}' });
    expect(updated.status).toBe(200);
    expect(await claimsOf(await getToken(app, "studio-made"))).toMatchObject({ who: "nobody" });
  });

  it.each([
    [
      "claims that are not JSON",
      { claims: '{"a": }' },
      "The claims are not valid JSON: value expected at line 1, column 7.",
    ],
    ["a malformed shortcode", { claims: '{"a": "{{ user.id | x }}"}' }, "is malformed at line 1, column 19."],
    ["an unclosed shortcode", { claims: '{"a": "{{user.id"}' }, "never closed"],
    ["claims that are not an object", { claims: "[1]" }, "must be one JSON object"],
    ["a lifetime below Clerk's 30 s", { lifetime: "5" }, "The lifetime must be a whole number of seconds from 30"],
    ["a clock skew above Clerk's 300 s", { allowedClockSkew: "301" }, "allowed clock skew must be"],
    ["a name the token route cannot ask for", { name: "has space" }, "The name must be 1-64 letters"],
    [
      "claims that nest 6000 arrays deep (36 KB)",
      { claims: `{"a": ${"[".repeat(6000)}${"]".repeat(6000)}}` },
      "The claims nest deeper than 32 levels",
    ],
  ])("refuses %s with 400 and says what is wrong", async (_, fields, message) => {
    const response = await saveTemplate("/templates/new", { name: "refused", claims: "{}", ...fields });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { code: string; message: string };
    expect(body.code).toBe("invalid_template");
    expect(body.message).toContain(message);
  });

  it("passes on Clerk's refusal of a taken name as 422 with Clerk's words", async () => {
    const response = await saveTemplate("/templates/new", { name: "profile", claims: "{}" });
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ code: "duplicate_record", field: "name" });
  });

  it("answers a post that is not a form with 400, and one over 64 KB with 413", async () => {
    const post = (body: string, contentType: string) =>
      fetch(`${app.url}/templates/new?${STUDIO_DATA}`, {
        method: "POST",
        headers: { ...bearer(), "Content-Type": contentType },
        body,
      });
    const json = await post('{"name": "x"}', "application/json");
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ code: "invalid_form" });
    const huge = await post(`name=x&claims=${"a".repeat(70_000)}`, "application/x-www-form-urlencoded");
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ code: "form_too_large" });
  });

  it("refuses a post without a session (401) and one from another origin (403)", async () => {
    expect((await saveTemplate("/templates/new", { name: "x", claims: "{}" }, {})).status).toBe(401);
    const crossOrigin = await fetch(`${app.url}/templates/new?${STUDIO_DATA}`, {
      method: "POST",
      headers: { ...bearer(), Origin: "https://attacker.example" },
      body: new URLSearchParams({ name: "x", claims: "{}", lifetime: "60", allowedClockSkew: "5" }),
    });
    expect(crossOrigin.status).toBe(403);
    expect(await crossOrigin.json()).toMatchObject({ code: "cross_origin_form" });
  });
});

describe("POST /explorer/signature", () => {
  async function check(jwt: string, headers: Record<string, string> = bearer()) {
    return fetch(`${app.url}/explorer/signature`, {
      method: "POST",
      headers: { ...headers, Origin: app.url },
      body: new URLSearchParams({ jwt }),
    });
  }
  const jwtOf = async (template: string) =>
    ((await (await getToken(app, template)).json()) as { token: { jwt: string } }).token.jwt;

  it("verifies an instance-signed token against /v1/jwks, and says a tampered one does not verify", async () => {
    const jwt = await jwtOf("profile");
    expect(await (await check(jwt)).json()).toMatchObject({ signature: { status: "verified", alg: "RS256" } });
    const tampered = tamper(jwt);
    expect(await (await check(tampered)).json()).toMatchObject({ signature: { status: "invalid" } });
  });

  it("says a template with its own key can only be verified by its owner", async () => {
    expect(await (await check(await jwtOf("partner-hs256"))).json()).toEqual({
      signature: { status: "own-key", alg: "HS256" },
    });
  });

  it("answers 400 to something that is not a JWT, 401 without a session and 405 to GET", async () => {
    expect((await check("not a jwt")).status).toBe(400);
    const get = await fetch(`${app.url}/explorer/signature`, { headers: bearer() });
    expect(get.status).toBe(405);
    expect(await get.json()).toMatchObject({ code: "method_not_allowed" });
    expect((await check(await jwtOf("profile"), {})).status).toBe(401);
  });
});

describe("with a one-second refresh and editing off", () => {
  let second: AppServer;
  beforeAll(async () => {
    second = await startAppServer(
      appEnvFor(emulator, { CLERK_JWT_TEMPLATES: "*", TEMPLATE_LIST_REFRESH_SECONDS: "1", TEMPLATE_EDITING: "off" }),
    );
  });
  afterAll(async () => {
    await second?.stop();
  });

  it("serves a template created in Clerk meanwhile, without a restart", async () => {
    expect((await getToken(second, "made-elsewhere")).status).toBe(400);
    await callBackendApi(emulator, "POST", "/v1/jwt_templates", {
      body: { name: "made-elsewhere", claims: { elsewhere: true } },
    });
    await expect.poll(async () => (await getToken(second, "made-elsewhere")).status, { timeout: 5000 }).toBe(200);
  });

  it("refuses the studio with 403 template_editing_off", async () => {
    const page = await fetch(`${second.url}/templates/new?${STUDIO_DATA}`, { headers: bearer() });
    expect(page.status).toBe(403);
    expect(await page.json()).toMatchObject({ code: "template_editing_off" });
  });
});

describe("npm start with a production key", () => {
  it("refuses to start when TEMPLATE_EDITING=on", async () => {
    const { code, output } = await runAppServerToExit({
      ...appEnvFor(emulator),
      CLERK_SECRET_KEY: "sk_live_not_a_real_key",
      TEMPLATE_EDITING: "on",
    });
    expect(code).not.toBe(0);
    expect(output).toContain("TEMPLATE_EDITING=on is refused with a production key (sk_live_)");
  });
});
