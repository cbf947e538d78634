import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_SEED_FILE } from "../src/index";
import { readSeedFile, storeFromSeed } from "../src/seed";
import { EmulatorStore } from "../src/store";
import { OrganizationConflictError } from "../src/store/organizations";
import { makeTempDir } from "../../support/temp-dir";
import { userRecord } from "./support/fixtures";

describe("the seeded organization", () => {
  it("is Acme, with Alice as admin and Bob as member", async () => {
    const store = await storeFromSeed(await readSeedFile(DEFAULT_SEED_FILE));
    const acme = store.organizations.get("acme");
    expect(acme).toMatchObject({ id: "org_seed_acme", name: "Acme", created_by: "user_seed_alice" });
    expect(acme?.created_at).toBe(Date.parse("2024-02-01T10:00:00Z"));
    expect(store.organizations.membersOf("org_seed_acme").map(({ user_id, role }) => [user_id, role])).toEqual([
      ["user_seed_alice", "org:admin"],
      ["user_seed_bob", "org:member"],
    ]);
    expect(store.jwtTemplates.findByName("organization")?.claims).toMatchObject({ org_id: "{{org.id}}" });
  });

  describe("when the file is wrong", () => {
    let temp: Awaited<ReturnType<typeof makeTempDir>> | undefined;
    afterEach(() => temp?.remove());

    async function seedWith(organization: object) {
      temp = await makeTempDir("clerk-emulator-seed-");
      const file = path.join(temp.dir, "seed.json");
      await writeFile(
        file,
        JSON.stringify({ users: [], sessions: [], organizations: [organization], jwt_templates: [] }),
      );
      return file;
    }

    it("refuses a role Clerk's default roles do not have, and a member who is not a user", async () => {
      const base = { id: "org_x", name: "X", slug: "x" };
      const badRole = await seedWith({ ...base, memberships: [{ user_id: "user_x", role: "org:owner" }] });
      await expect(readSeedFile(badRole)).rejects.toThrow(/organizations\[0\]\.memberships\[0\]\.role/);
      const nobody = await readSeedFile(
        await seedWith({ ...base, memberships: [{ user_id: "user_x", role: "org:member" }] }),
      );
      await expect(storeFromSeed(nobody)).rejects.toThrow(/names no user user_x/);
    });
  });
});

describe("OrganizationStore", () => {
  function storeWithJohn() {
    const store = new EmulatorStore();
    store.users.add(userRecord());
    store.users.add(userRecord({ id: "user_jane" }));
    return store;
  }

  it("keeps slugs unique and finds an organization by id or slug", () => {
    const { organizations } = storeWithJohn();
    const acme = organizations.create({ name: "Acme", slug: "acme" });
    expect(organizations.get(acme.id)).toBe(acme);
    expect(organizations.get("acme")).toBe(acme);
    expect(() => organizations.create({ name: "Other", slug: "acme" })).toThrow(OrganizationConflictError);
  });

  it("makes each user a member once, within the organization's limit", () => {
    const { organizations } = storeWithJohn();
    const small = organizations.create({ name: "Small", slug: "small", max_allowed_memberships: 1 });
    organizations.addMember(small, "user_john", "org:admin");
    expect(() => organizations.addMember(small, "user_john", "org:member")).toThrow(/already a member/);
    expect(() => organizations.addMember(small, "user_jane", "org:member")).toThrow(/maximum/);
    expect(() => organizations.addMember(small, "user_jane", "org:owner")).toThrow(/No organization role/);
  });

  it("tells what a token is for: the personal account, a membership, or none once it has ended", () => {
    const { organizations } = storeWithJohn();
    const acme = organizations.create({ name: "Acme", slug: "acme" });
    const membership = organizations.addMember(acme, "user_john", "org:member");
    expect(organizations.activeMembership("user_john", null)).toBeNull();
    expect(organizations.activeMembership("user_john", "acme")).toEqual({ organization: acme, membership });
    expect(organizations.activeMembership("user_jane", acme.id)).toBeUndefined();
    expect(organizations.activeMembership("user_john", "org_unknown")).toBeUndefined();
    organizations.updateRole(membership, "org:admin");
    expect(organizations.activeMembership("user_john", acme.id)?.membership.role).toBe("org:admin");
    organizations.removeMember(membership);
    expect(organizations.activeMembership("user_john", acme.id)).toBeUndefined();
    expect(organizations.membershipsOf("user_john")).toEqual([]);
  });
});
