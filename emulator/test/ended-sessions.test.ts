import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { callBackendApi } from "../../support/backend-api";
import { ENDED_SESSIONS_KEPT } from "../src/store/sessions";
import { stoppedAfterEachTest } from "./support/stopped-after-each";
import type { RunningEmulator } from "../src/index";

// The studio's previews make a session and revoke it, up to six per save: the saved state must not
// grow with every one. Ended sessions are kept for the last ENDED_SESSIONS_KEPT of them, then forgotten
// with the clients they alone made (docs/decisions/028-emulator-state-in-the-data-dir.md).

const start = stoppedAfterEachTest();

/** `cycles` preview-style sessions of Alice's in Acme, each made, used and revoked; their ids, oldest first. */
async function previewCycles(emulator: RunningEmulator, cycles: number): Promise<string[]> {
  const ids: string[] = [];
  for (let cycle = 0; cycle < cycles; cycle += 1) {
    const body = { user_id: "user_seed_alice", active_organization_id: "org_seed_acme" };
    const { body: session } = await callBackendApi(emulator, "POST", "/v1/sessions", { body });
    expect((await callBackendApi(emulator, "POST", `/v1/sessions/${session.id}/revoke`)).status).toBe(200);
    ids.push(session.id);
  }
  return ids;
}

interface SavedState {
  clients: Array<{ id: string; session_ids: string[]; last_active_session_id: string | null }>;
  sessions: Array<{ id: string; client_id: string; status: string }>;
}

/** The state file, once the emulator has stopped (and so saved it): its size and contents. */
async function savedState(dataDir: string): Promise<{ bytes: number; state: SavedState }> {
  const [name] = (await readdir(dataDir)).filter((file) => /^state-\w+\.json$/.test(file));
  const file = path.join(dataDir, name!);
  return { bytes: (await stat(file)).size, state: JSON.parse(await readFile(file, "utf8")) as SavedState };
}

/** Every session's client exists and lists it; every client's sessions exist. */
function expectConsistent({ clients, sessions }: SavedState) {
  const sessionIds = new Set(sessions.map(({ id }) => id));
  const clientsById = new Map(clients.map((client) => [client.id, client]));
  for (const session of sessions) expect(clientsById.get(session.client_id)?.session_ids).toContain(session.id);
  for (const client of clients) {
    for (const id of client.session_ids) expect(sessionIds.has(id), `${client.id} lists ${id}`).toBe(true);
    if (client.last_active_session_id !== null) expect(sessionIds.has(client.last_active_session_id)).toBe(true);
  }
}

describe("ended sessions in the saved state", () => {
  it("stay bounded however many previews are made and revoked, and a just-revoked one answers as Clerk's", async () => {
    const cycles = ENDED_SESSIONS_KEPT + 20;
    const first = await start();
    await previewCycles(first.emulator, cycles);
    await first.emulator.close();
    const once = await savedState(first.dataDir);

    // Restarted on the saved state, as `npm run dev` is.
    const third = await start({ dataDir: first.dataDir });
    const ids = await previewCycles(third.emulator, cycles);
    // The newest revoked session is still there, revoked, and refuses tokens as Clerk does (404).
    const newest = ids.at(-1)!;
    expect((await callBackendApi(third.emulator, "GET", `/v1/sessions/${newest}`)).body).toMatchObject({
      status: "revoked",
    });
    const token = await callBackendApi(third.emulator, "POST", `/v1/sessions/${newest}/tokens/organization`);
    expect(token.status).toBe(404);
    // The oldest has been forgotten: the same 404 for a token, which the app answers alike (session_not_active).
    expect((await callBackendApi(third.emulator, "GET", `/v1/sessions/${ids[0]}`)).status).toBe(404);
    expect((await callBackendApi(third.emulator, "POST", `/v1/sessions/${ids[0]}/tokens/organization`)).status).toBe(
      404,
    );
    await third.emulator.close();
    const twice = await savedState(first.dataDir);

    const count = (saved: { state: SavedState }) => [saved.state.sessions.length, saved.state.clients.length];
    console.log(
      `[ended sessions] state file after ${cycles} previews: ${once.bytes} B ${count(once)}; ` +
        `after ${2 * cycles}: ${twice.bytes} B ${count(twice)} (sessions, clients)`,
    );
    const revoked = once.state.sessions.filter(({ status }) => status === "revoked");
    expect(revoked).toHaveLength(ENDED_SESSIONS_KEPT);
    expect(count(twice)).toEqual(count(once));
    // The same records with other ids and times: within a few bytes of each other.
    expect(Math.abs(twice.bytes - once.bytes)).toBeLessThan(once.bytes * 0.02);
    expectConsistent(once.state);
    expectConsistent(twice.state);
  });
});
