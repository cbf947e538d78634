import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { DEFAULT_SEED_FILE } from "../emulator/src/index";

export interface SeededSession {
  sessionId: string;
  userId: string;
}

/**
 * Writes an emulator seed file into `dir`: the default seed plus `count`
 * users, each signed in with a session of their own, for load and
 * many-sessions tests (the default seed has two sessions).
 */
export async function writeSeedWithSessions(
  dir: string,
  count: number,
): Promise<{ seedFile: string; sessions: SeededSession[] }> {
  const seed = JSON.parse(await readFile(DEFAULT_SEED_FILE, "utf8")) as {
    users: object[];
    sessions: Array<{ id: string; user_id: string; client_id: string }>;
  };
  const sessions: SeededSession[] = [];
  for (let i = 1; i <= count; i += 1) {
    const n = String(i).padStart(5, "0");
    const userId = `user_load_${n}`;
    seed.users.push({ id: userId, first_name: `Load ${n}`, email_address: `load-${n}@example.com` });
    seed.sessions.push({ id: `sess_load_${n}`, user_id: userId, client_id: `client_load_${n}` });
    sessions.push({ sessionId: `sess_load_${n}`, userId });
  }
  const seedFile = path.join(dir, "seed.json");
  await writeFile(seedFile, JSON.stringify(seed));
  return { seedFile, sessions };
}
