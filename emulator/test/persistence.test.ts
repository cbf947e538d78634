import { readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { callBackendApi } from "../../support/backend-api";
import { makeTempDir } from "../../support/temp-dir";
import { stoppedAfterEachTest } from "./support/stopped-after-each";
import { Browser, claimsOf } from "./support/frontend-api";

// What should survive a restart is kept in the data dir: templates made in the studio (through
// the Backend API), signed-up users, and the sessions of signed-in browsers.

const start = stoppedAfterEachTest();

const TEMPLATE = { name: "made-in-the-studio", claims: { who: "{{user.first_name}}" }, lifetime: 90 };

describe("a restart on the same data dir", () => {
  it("keeps templates, signed-up users, signed-in browsers and revocations", async () => {
    const first = await start();
    expect((await callBackendApi(first.emulator, "POST", "/v1/jwt_templates", { body: TEMPLATE })).status).toBe(200);
    const browser = new Browser(first.emulator);
    const { sessionId, userId } = await browser.signUp("carol@example.com", "carol-password-1");
    await callBackendApi(first.emulator, "POST", "/v1/sessions/sess_seed_bob/revoke");
    await first.emulator.close();

    const second = await start({ dataDir: first.dataDir });
    expect(second.logLines[0]).toMatch(
      /^Restored users, organizations, sessions and JWT templates from .*state-\w+\.json/,
    );
    const { body: templates } = await callBackendApi(second.emulator, "GET", "/v1/jwt_templates");
    expect(templates.map((template: { name: string }) => template.name)).toContain(TEMPLATE.name);
    const { body: found } = await callBackendApi(second.emulator, "GET", "/v1/users?email_address=carol@example.com");
    expect(found.map((user: { id: string }) => user.id)).toEqual([userId]);
    const { body: revoked } = await callBackendApi(second.emulator, "GET", "/v1/sessions/sess_seed_bob");
    expect(revoked.status).toBe("revoked");

    // The same browser, its cookies kept, is still signed in, and its session mints tokens from the template.
    const again = new Browser(second.emulator);
    for (const [name, value] of browser.cookies) again.cookies.set(name, value);
    const client = await again.clientState();
    expect(client.sessions.map((session: { id: string }) => session.id)).toEqual([sessionId]);
    const { body } = await callBackendApi(second.emulator, "POST", `/v1/sessions/${sessionId}/tokens/${TEMPLATE.name}`);
    expect(claimsOf(body.jwt)).toMatchObject({ who: null, sub: userId });
  });

  it("is written while it runs, not only when it stops", async () => {
    const test = await start();
    await callBackendApi(test.emulator, "POST", "/v1/jwt_templates", { body: TEMPLATE });
    await expect
      .poll(async () => (await readdir(test.dataDir)).filter((name) => /^state-\w+\.json$/.test(name)), {
        timeout: 2000,
      })
      .toHaveLength(1);
  });

  it("with another seed starts from that seed, and the first seed's state waits for it", async () => {
    const first = await start();
    await callBackendApi(first.emulator, "POST", "/v1/jwt_templates", { body: TEMPLATE });
    await first.emulator.close();
    const { dir, remove } = await makeTempDir("clerk-emulator-seed-");
    const seedFile = path.join(dir, "seed.json");
    await writeFile(seedFile, JSON.stringify({ users: [], sessions: [], jwt_templates: [] }));
    try {
      const other = await start({ dataDir: first.dataDir, seedFile });
      expect((await callBackendApi(other.emulator, "GET", "/v1/jwt_templates")).body).toEqual([]);
      await other.emulator.close();
    } finally {
      await remove();
    }
    const back = await start({ dataDir: first.dataDir });
    const { body } = await callBackendApi(back.emulator, "GET", "/v1/jwt_templates");
    expect(body.map((template: { name: string }) => template.name)).toContain(TEMPLATE.name);
  });

  it("stops with a message naming a state file it cannot read", async () => {
    const first = await start();
    await callBackendApi(first.emulator, "POST", "/v1/jwt_templates", { body: TEMPLATE });
    await first.emulator.close();
    const [stateFile] = (await readdir(first.dataDir)).filter((name) => name.startsWith("state-"));
    await writeFile(path.join(first.dataDir, stateFile!), "{ not json");
    await expect(start({ dataDir: first.dataDir })).rejects.toThrow(
      `${path.join(first.dataDir, stateFile!)} is not a state file this emulator can read: delete it to start from the seed.`,
    );
  });
});
