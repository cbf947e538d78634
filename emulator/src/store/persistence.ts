import { createHash, randomBytes } from "node:crypto";
import { rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { readTextIfExists } from "../files";
import type { ClientRecord } from "./clients";
import type { EmulatorStore } from "./index";
import type { JwtTemplateRecord } from "./jwt-templates";
import { ROLE_KEYS } from "./organization-roles";
import type { MembershipRecord, OrganizationRecord } from "./organizations";
import type { SessionRecord } from "./sessions";
import type { UserRecord } from "./users";

// What survives a restart, in the data dir beside the instance key: users (signed up ones too),
// organizations and their memberships, clients and sessions (a signed-in browser stays signed in,
// in its active organization), and JWT templates (made in the studio). Sign-ins and sign-ups in
// progress, handshakes, testing tokens and sign-in tokens do not. One file per seed: another seed
// starts from itself and leaves this state for its own.
// docs/decisions/028-emulator-state-in-the-data-dir.md

const STATE_VERSION = 1;
/** Changes within this long are written together. */
const SAVE_DELAY_MS = 200;

const records = z.array(z.looseObject({ id: z.string() }));
const memberships = z.array(
  z.looseObject({ id: z.string(), organization_id: z.string(), user_id: z.string(), role: z.enum(ROLE_KEYS) }),
);
const stateSchema = z
  .object({
    version: z.literal(STATE_VERSION),
    users: records,
    clients: records,
    sessions: records,
    jwt_templates: records,
    // Both absent from a file saved before organizations were kept: it keeps the seed's.
    organizations: records.optional(),
    organization_memberships: memberships.optional(),
  })
  .refine((state) => {
    const organizationIds = new Set(state.organizations?.map(({ id }) => id));
    const userIds = new Set(state.users.map(({ id }) => id));
    return (
      (state.organizations === undefined) === (state.organization_memberships === undefined) &&
      (state.organization_memberships ?? []).every(
        (membership) => organizationIds.has(membership.organization_id) && userIds.has(membership.user_id),
      )
    );
  });

interface State {
  version: typeof STATE_VERSION;
  users: UserRecord[];
  clients: ClientRecord[];
  sessions: SessionRecord[];
  jwt_templates: JwtTemplateRecord[];
  organizations?: OrganizationRecord[];
  organization_memberships?: MembershipRecord[];
}

function snapshotOf(store: EmulatorStore): State {
  const { organizations, memberships } = store.organizations.snapshot();
  return {
    version: STATE_VERSION,
    users: store.users.list(),
    clients: store.clients.list(),
    sessions: store.sessions.list(),
    jwt_templates: store.jwtTemplates.list(),
    organizations,
    organization_memberships: memberships,
  };
}

/** `<dataDir>/state-<digest of the seed>.json`. */
export function stateFileFor(dataDir: string, seed: unknown): string {
  const digest = createHash("sha256").update(JSON.stringify(seed)).digest("hex").slice(0, 12);
  return path.join(dataDir, `state-${digest}.json`);
}

/** Replaces the store's contents with the state saved in `file`; false when there is none. */
async function restoreState(store: EmulatorStore, file: string): Promise<boolean> {
  const text = await readTextIfExists(file);
  if (text === undefined) return false;
  let saved: unknown;
  try {
    saved = JSON.parse(text);
  } catch {
    saved = undefined;
  }
  const parsed = stateSchema.safeParse(saved);
  if (!parsed.success) {
    throw new Error(`${file} is not a state file this emulator can read: delete it to start from the seed.`);
  }
  // Its records are the emulator's own, written by snapshotOf; the schema checks the file's outline.
  const state = parsed.data as unknown as State;
  store.users.restore(state.users);
  store.clients.restore(state.clients);
  store.sessions.restore(state.sessions);
  store.jwtTemplates.restore(state.jwt_templates);
  if (state.organizations && state.organization_memberships) {
    store.organizations.restore(state.organizations, state.organization_memberships);
  }
  return true;
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(temporary, text, { mode: 0o600 });
    await rename(temporary, file);
  } finally {
    await rm(temporary, { force: true });
  }
}

export interface StateSaver {
  /** Saves soon, if the state changed: called after every request. */
  schedule(): void;
  /** Saves now, if the state changed (on close). */
  flush(): Promise<void>;
}

/** Restores the state saved for this seed, if any, and saves the store's state as it changes. */
export async function persistState(
  store: EmulatorStore,
  file: string,
  log: (line: string) => void,
): Promise<StateSaver> {
  if (await restoreState(store, file)) {
    log(`Restored users, organizations, sessions and JWT templates from ${file} (delete it to start from the seed).`);
  }
  let saved = JSON.stringify(snapshotOf(store));
  let timer: NodeJS.Timeout | undefined;
  let writing = Promise.resolve();
  const save = () => {
    clearTimeout(timer);
    timer = undefined;
    const text = JSON.stringify(snapshotOf(store));
    if (text !== saved) {
      saved = text;
      writing = writing
        .then(() => writeAtomically(file, `${text}\n`))
        .catch((error: Error) => log(`Could not save the emulator's state to ${file}: ${error.message}`));
    }
    return writing;
  };
  return {
    schedule: () => void (timer ??= setTimeout(save, SAVE_DELAY_MS).unref()),
    flush: save,
  };
}
