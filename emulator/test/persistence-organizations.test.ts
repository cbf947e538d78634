import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { callBackendApi } from "../../support/backend-api";
import type { TestEmulator } from "./support/emulator";
import { stoppedAfterEachTest } from "./support/stopped-after-each";
import { Browser, claimsOf } from "./support/frontend-api";

// Organizations made at runtime, their memberships and role changes, and each session's active
// organization survive a restart as users and sessions do (persistence.test.ts).

const start = stoppedAfterEachTest();

const callOn =
  ({ emulator }: TestEmulator) =>
  (method: string, path: string, body?: unknown) =>
    callBackendApi(emulator, method, path, body === undefined ? {} : { body });

async function stateFileOf(test: TestEmulator): Promise<string> {
  const [name] = (await readdir(test.dataDir)).filter((file) => /^state-\w+\.json$/.test(file));
  return path.join(test.dataDir, name!);
}

/** Rewrites the saved state with `change`, as an older emulator or a hand edit would have left it. */
async function editState(file: string, change: (state: Record<string, unknown>) => void): Promise<void> {
  const state = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
  change(state);
  await writeFile(file, JSON.stringify(state));
}

describe("a restart on the same data dir", () => {
  it("keeps organizations, memberships, role changes, removals and sessions' active organizations", async () => {
    const first = await start();
    const call = callOn(first);
    const created = await call("POST", "/v1/organizations", { name: "Globex", created_by: "user_seed_bob" });
    expect(created.status).toBe(200);
    const globex = created.body;
    const joined = await call("POST", `/v1/organizations/${globex.id}/memberships`, {
      user_id: "user_seed_alice",
      role: "org:member",
    });
    expect(joined.status).toBe(200);
    const promoted = await call("PATCH", `/v1/organizations/${globex.id}/memberships/user_seed_alice`, {
      role: "org:admin",
    });
    expect(promoted.status).toBe(200);
    expect((await call("DELETE", "/v1/organizations/org_seed_acme/memberships/user_seed_bob")).status).toBe(200);
    // Alice signs in and switches to Globex, as <OrganizationSwitcher/> does.
    const browser = new Browser(first.emulator);
    const { sessionId } = await browser.signIn("alice@example.com", "alice-password-1");
    const touched = await browser.call("POST", `/v1/client/sessions/${sessionId}/touch`, {
      active_organization_id: globex.id,
    });
    expect(touched.status).toBe(200);
    const globexMembers = (await call("GET", `/v1/organizations/${globex.id}/memberships`)).body;
    const acmeMembers = (await call("GET", "/v1/organizations/org_seed_acme/memberships")).body;
    expect(
      acmeMembers.data.map((member: { public_user_data: { user_id: string } }) => member.public_user_data.user_id),
    ).toEqual(["user_seed_alice"]);
    await first.emulator.close();

    const second = await start({ dataDir: first.dataDir });
    const again = callOn(second);
    expect(second.logLines[0]).toMatch(/^Restored users, organizations, sessions and JWT templates from /);
    expect((await again("GET", "/v1/organizations/globex")).body).toEqual(globex);
    expect((await again("GET", `/v1/organizations/${globex.id}/memberships`)).body).toEqual(globexMembers);
    expect((await again("GET", `/v1/organizations/${globex.id}/memberships?role=org:admin`)).body.total_count).toBe(2);
    expect((await again("GET", "/v1/organizations/org_seed_acme/memberships")).body).toEqual(acmeMembers);
    const { body: session } = await again("GET", `/v1/sessions/${sessionId}`);
    expect(session.last_active_organization_id).toBe(globex.id);
    const { status, body: token } = await again("POST", `/v1/sessions/${sessionId}/tokens`);
    expect(status).toBe(200);
    expect(claimsOf(token.jwt).o).toMatchObject({ id: globex.id, slg: "globex", rol: "admin" });
  });

  it("from a state file saved before organizations were kept, takes the seed's organizations", async () => {
    const first = await start();
    const { userId } = await new Browser(first.emulator).signUp("carol@example.com", "carol-password-1");
    await first.emulator.close();
    await editState(await stateFileOf(first), (state) => {
      delete state.organizations;
      delete state.organization_memberships;
    });

    const second = await start({ dataDir: first.dataDir });
    const again = callOn(second);
    expect((await again("GET", `/v1/users/${userId}`)).status).toBe(200);
    const { body } = await again("GET", "/v1/organizations/org_seed_acme/memberships");
    const roles = body.data.map((member: { role: string; public_user_data: { user_id: string } }) => [
      member.public_user_data.user_id,
      member.role,
    ]);
    expect(roles).toEqual([
      ["user_seed_alice", "org:admin"],
      ["user_seed_bob", "org:member"],
    ]);
    const { body: session } = await again("POST", "/v1/sessions", {
      user_id: "user_seed_bob",
      active_organization_id: "acme",
    });
    const { body: token } = await again("POST", `/v1/sessions/${session.id}/tokens`);
    expect(claimsOf(token.jwt).o).toMatchObject({ id: "org_seed_acme", rol: "member" });
  });

  it.each([
    ["a role this instance has not", (memberships: Record<string, unknown>[]) => (memberships[0]!.role = "org:owner")],
    [
      "an organization it does not hold",
      (memberships: Record<string, unknown>[]) => (memberships[0]!.organization_id = "org_gone"),
    ],
    ["a user it does not hold", (memberships: Record<string, unknown>[]) => (memberships[0]!.user_id = "user_gone")],
  ])("refuses a state file whose membership names %s", async (_, change) => {
    const first = await start();
    await callOn(first)("POST", "/v1/organizations", { name: "Globex", created_by: "user_seed_bob" });
    await first.emulator.close();
    const file = await stateFileOf(first);
    await editState(file, (state) => change(state.organization_memberships as Record<string, unknown>[]));
    await expect(start({ dataDir: first.dataDir })).rejects.toThrow(
      `${file} is not a state file this emulator can read: delete it to start from the seed.`,
    );
  });
});
