import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLaunchedEmulator, type TestEmulator } from "../support/emulator";
import { appEnvFor, mintSessionToken } from "../../support/clerk-env";

/**
 * The route modules' loaders called directly, as Remix calls them, running the
 * real @clerk/remix code against the emulator.
 */

type Loader = (args: { request: Request; params: Record<string, string>; context: object }) => Promise<unknown>;

let emulator: TestEmulator;
let tokenLoader: Loader;
let rootLoader: Loader;
let templatesLoader: Loader;
let sessionToken: string;

beforeAll(async () => {
  emulator = await startLaunchedEmulator();
  // The app reads its configuration when first imported, as the server does at start-up.
  Object.assign(process.env, appEnvFor(emulator));
  tokenLoader = (await import("~/routes/api.get-token-example")).loader as Loader;
  rootLoader = (await import("~/root")).loader as Loader;
  templatesLoader = (await import("~/routes/templates._index")).loader as Loader;
  sessionToken = await mintSessionToken(emulator, "sess_seed_alice");
});

afterAll(async () => {
  await emulator?.stop();
});

/**
 * Like Remix, recognises a Response by its shape: @clerk/remix installs its own
 * global Response class, so `instanceof` depends on import order.
 */
function isResponse(value: unknown): value is Response {
  return typeof value === "object" && value !== null && "status" in value && "headers" in value && "json" in value;
}

/** Calls a loader as Remix does; these loaders all answer with a Response. */
async function call(loader: Loader, path: string, headers: HeadersInit = {}): Promise<Response> {
  const result = await loader({
    request: new Request(`http://127.0.0.1:3000${path}`, { headers }),
    params: {},
    context: {},
  });
  if (!isResponse(result)) throw new Error("expected the loader to answer with a Response");
  return result;
}

async function rejection(promise: Promise<unknown>): Promise<Response> {
  try {
    await promise;
  } catch (thrown) {
    if (isResponse(thrown)) return thrown;
    throw thrown;
  }
  throw new Error("expected the loader to throw a Response");
}

describe("api.get-token-example loader", () => {
  it("returns 401 JSON when there is no session", async () => {
    const response = await call(tokenLoader, "/api/get-token-example");
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: "no_credentials" });
  });

  it("returns { token: { jwt } } for a signed-in session", async () => {
    const response = await call(tokenLoader, "/api/get-token-example", { Authorization: `Bearer ${sessionToken}` });
    expect(response.status).toBe(200);
    const { token } = await response.json();
    expect(token.jwt.split(".")).toHaveLength(3);
  });

  it("throws a 400 JSON Response for a template outside the allowlist", async () => {
    const response = await rejection(
      call(tokenLoader, "/api/get-token-example?template=other", { Authorization: `Bearer ${sessionToken}` }),
    );
    expect(response.status).toBe(400);
    expect((await response.json()).code).toBe("template_not_allowed");
  });
});

describe("templates._index loader", () => {
  it("lists the instance's templates from the Backend API, with no signing key, and says editing is on", async () => {
    const data = (await templatesLoader({
      request: new Request("http://127.0.0.1:3000/templates", { headers: { Authorization: `Bearer ${sessionToken}` } }),
      params: {},
      context: {},
    })) as { templates: Array<{ name: string }>; access: string; editingOff?: string };
    expect(data).toMatchObject({ access: "editor", editingOff: undefined });
    expect(data.templates.map((template) => template.name)).toEqual([
      "test",
      "profile",
      "partner-hs256",
      "organization",
    ]);
    expect(data.templates[2]).toMatchObject({ customSigningKey: true, signingAlgorithm: "HS256", lifetime: 120 });
    expect(JSON.stringify(data)).not.toContain("partner-shared-secret");
  });

  it("sends a signed-out visitor to sign in", async () => {
    const response = await rejection(
      templatesLoader({ request: new Request("http://127.0.0.1:3000/templates"), params: {}, context: {} }),
    );
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/sign-in?redirect_url=%2Ftemplates");
  });
});

describe("root loader (rootAuthLoader)", () => {
  it("hands the page Clerk's state and the offline-emulator flag", async () => {
    const response = await call(rootLoader, "/", { Authorization: `Bearer ${sessionToken}` });
    const data = await response.json();
    expect(data.usesOfflineEmulator).toBe(true);
    expect(data.clerkState.__internal_clerk_state.__clerk_ssr_state.sessionId).toBe("sess_seed_alice");
    expect(JSON.stringify(data)).not.toContain(emulator.secretKey);
  });

  it("reports a signed-out visitor as signed out", async () => {
    const response = await call(rootLoader, "/", { Accept: "application/json" });
    const data = await response.json();
    expect(data.clerkState.__internal_clerk_state.__clerk_ssr_state.sessionId).toBeNull();
  });
});
