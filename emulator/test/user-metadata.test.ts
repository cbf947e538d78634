import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callBackendApi } from "../../support/backend-api";
import { validateEveryResponse } from "./support/clerk-openapi";
import { startTestEmulator, type TestEmulator } from "./support/emulator";

// PATCH /v1/users/{id}/metadata: how a server or the Dashboard grants a role in public metadata
// (Clerk's basic RBAC guide), merged as Clerk's Backend API description says.

validateEveryResponse();
let test: TestEmulator;
beforeAll(async () => {
  test = await startTestEmulator();
});
afterAll(() => test.stop());

const call = (method: string, path: string, body?: unknown) => callBackendApi(test.emulator, method, path, { body });

describe("PATCH /v1/users/{id}/metadata", () => {
  it("deep-merges each field, removes a key set to null, and GET /v1/users/{id} returns the result", async () => {
    const before = (await call("GET", "/v1/users/user_seed_alice")).body;
    const patch = {
      public_metadata: { role: "editor", plan: null, addresses: { Work: null, Lab: "7 Bench Row" } },
      private_metadata: { notes: ["a", "b"] },
    };
    const { status, body } = await call("PATCH", "/v1/users/user_seed_alice/metadata", patch);
    expect(status).toBe(200);
    expect(body.public_metadata).toEqual({
      role: "editor",
      addresses: { Home: "1 Main Street, Springfield", Lab: "7 Bench Row" },
    });
    expect(body.private_metadata).toEqual({ ...before.private_metadata, notes: ["a", "b"] });
    expect(body.unsafe_metadata).toEqual(before.unsafe_metadata);
    expect(body.updated_at).toBeGreaterThanOrEqual(before.updated_at);
    expect((await call("GET", "/v1/users/user_seed_alice")).body.public_metadata).toEqual(body.public_metadata);
  });

  it("answers 404 for an unknown user, and 422 for a field that is not an object or not a metadata field", async () => {
    expect((await call("PATCH", "/v1/users/user_nobody/metadata", { public_metadata: {} })).status).toBe(404);
    const notAnObject = await call("PATCH", "/v1/users/user_seed_bob/metadata", { public_metadata: "admin" });
    expect(notAnObject.status).toBe(422);
    expect(notAnObject.body.errors[0]).toMatchObject({ meta: { param_name: "public_metadata" } });
    // The role alone, without public_metadata around it: Clerk refuses it rather than ignore it.
    const unknown = await call("PATCH", "/v1/users/user_seed_bob/metadata", { role: "admin" });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors[0]).toMatchObject({ code: "form_param_unknown", meta: { param_name: "role" } });
    expect((await call("GET", "/v1/users/user_seed_bob")).body.public_metadata).toEqual({ plan: "free" });
  });
});
