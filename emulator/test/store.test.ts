import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_SEED_FILE } from "../src/index";
import { verifyPassword } from "../src/passwords";
import { readSeedFile, storeFromSeed } from "../src/seed";
import { EmulatorStore } from "../src/store";
import { DuplicateTemplateNameError } from "../src/store/jwt-templates";
import { templateRecord, userRecord } from "./support/fixtures";
import { makeTempDir } from "../../support/temp-dir";

const seededStore = async () => storeFromSeed(await readSeedFile(DEFAULT_SEED_FILE));

describe("the seed", () => {
  it("holds Alice and Bob, an active session each, and the four templates", async () => {
    const store = await seededStore();
    const alice = store.users.get("user_seed_alice");
    expect(alice).toMatchObject({
      first_name: "Alice",
      primary_email_address_id: alice?.email_addresses[0]?.id,
      email_addresses: [{ email_address: "alice@example.com", verified: true }],
      public_metadata: { role: "admin", plan: "pro", addresses: { Home: expect.any(String) } },
    });
    expect(store.users.get("user_seed_bob")).toMatchObject({
      email_addresses: [{ email_address: "bob@example.com" }],
    });
    // Passwords are kept as digests, never as written in the seed file.
    const aliceDigest = alice?.password_digest ?? "";
    expect(aliceDigest).toMatch(/^scrypt\$/);
    expect(await verifyPassword("alice-password-1", aliceDigest)).toBe(true);
    expect(await verifyPassword("bob-password-1", aliceDigest)).toBe(false);
    expect(await verifyPassword("bob-password-1", store.users.get("user_seed_bob")?.password_digest ?? "")).toBe(true);
    expect(store.sessions.get("sess_seed_alice")).toMatchObject({
      user_id: "user_seed_alice",
      client_id: "client_seed_alice",
      status: "active",
    });
    expect(store.sessions.get("sess_seed_bob")).toMatchObject({
      user_id: "user_seed_bob",
      client_id: "client_seed_bob",
      status: "active",
    });
    expect(store.clients.get("client_seed_alice")?.session_ids).toEqual(["sess_seed_alice"]);
    expect(store.jwtTemplates.list().map((template) => [template.id, template.name])).toEqual([
      ["jtmp_seed_test", "test"],
      ["jtmp_seed_profile", "profile"],
      ["jtmp_seed_partner_hs256", "partner-hs256"],
      ["jtmp_seed_organization", "organization"],
    ]);
    expect(store.jwtTemplates.findByName("partner-hs256")?.custom_signing).toMatchObject({ algorithm: "HS256" });
  });

  it("gives each store its own copy, so emulators never share state", async () => {
    const [first, second] = await Promise.all([seededStore(), seededStore()]);
    first.sessions.revoke("sess_seed_alice");
    expect(second.sessions.get("sess_seed_alice")?.status).toBe("active");
  });

  describe("when the file is wrong", () => {
    let temp: Awaited<ReturnType<typeof makeTempDir>> | undefined;
    afterEach(() => temp?.remove());

    async function seedFileWith(content: unknown): Promise<string> {
      temp = await makeTempDir("clerk-emulator-seed-");
      const file = path.join(temp.dir, "seed.json");
      await writeFile(file, JSON.stringify(content));
      return file;
    }

    it("names the invalid field", async () => {
      const file = await seedFileWith({ users: [{ id: "alice" }], sessions: [], jwt_templates: [] });
      await expect(readSeedFile(file)).rejects.toThrow(/Invalid seed file[\s\S]*users\[0\]\.id/);
    });

    it("refuses a template that could never mint", async () => {
      const template = { id: "jtmp_x", name: "x", claims: { a: "{{ user.id || }}" } };
      const seed = await readSeedFile(await seedFileWith({ users: [], sessions: [], jwt_templates: [template] }));
      await expect(storeFromSeed(seed)).rejects.toThrow(/Invalid shortcode/);

      const halfSigned = { id: "jtmp_y", name: "y", claims: {}, signing_algorithm: "HS256" };
      const halfSeed = await readSeedFile(await seedFileWith({ users: [], sessions: [], jwt_templates: [halfSigned] }));
      await expect(storeFromSeed(halfSeed)).rejects.toThrow(/both signing_algorithm and signing_key/);
    });

    it("refuses a session of an unknown user", async () => {
      const seed = await readSeedFile(
        await seedFileWith({
          users: [],
          sessions: [{ id: "sess_x", user_id: "user_nobody", client_id: "client_x" }],
          jwt_templates: [],
        }),
      );
      await expect(storeFromSeed(seed)).rejects.toThrow(/No user exists with id: user_nobody/);
    });
  });
});

describe("EmulatorStore", () => {
  it("creates sessions on new or existing clients, and revokes them", () => {
    const store = new EmulatorStore();
    store.users.add(userRecord());
    const first = store.sessions.create({ userId: "user_john" });
    const second = store.sessions.create({ userId: "user_john", clientId: first.client_id });

    expect(first).toMatchObject({ id: expect.stringMatching(/^sess_/), status: "active", origin: null });
    expect(first.expire_at).toBeGreaterThan(first.created_at);
    expect(store.clients.get(first.client_id)?.session_ids).toEqual([first.id, second.id]);

    expect(store.sessions.revoke(first.id)?.status).toBe("revoked");
    expect(store.sessions.get(first.id)?.status).toBe("revoked");
    expect(store.sessions.revoke("sess_unknown")).toBeUndefined();
    expect(() => store.sessions.create({ userId: "user_nobody" })).toThrow(/No user exists/);
  });

  it("keeps JWT template names unique across create and update", () => {
    const store = new EmulatorStore();
    const { id: _id, created_at: _c, updated_at: _u, ...input } = templateRecord();
    const created = store.jwtTemplates.create(input);
    const other = store.jwtTemplates.create({ ...input, name: "other" });

    expect(created.id).toMatch(/^jtmp_/);
    expect(() => store.jwtTemplates.create(input)).toThrow(DuplicateTemplateNameError);
    expect(() => store.jwtTemplates.update(other, { name: "test" })).toThrow(DuplicateTemplateNameError);
    expect(store.jwtTemplates.update(other, { name: "renamed", lifetime: 120 })).toMatchObject({
      name: "renamed",
      lifetime: 120,
    });
    expect(store.jwtTemplates.update(created, { name: "test" }).name).toBe("test");
    expect(store.jwtTemplates.findByName("renamed")?.id).toBe(other.id);

    expect(store.jwtTemplates.delete(created.id)).toBe(true);
    expect(store.jwtTemplates.delete(created.id)).toBe(false);
    expect(store.jwtTemplates.list().map((template) => template.name)).toEqual(["renamed"]);
  });
});
