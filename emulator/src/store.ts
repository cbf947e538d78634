import { randomUUID } from "node:crypto";

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

// Records use Clerk's own field names, so shortcodes and resources map onto them directly.

export interface EmailAddressRecord {
  id: string;
  email_address: string;
  verified: boolean;
}

export interface UserRecord {
  id: string;
  username: string | null;
  first_name: string | null;
  last_name: string | null;
  image_url: string;
  email_addresses: EmailAddressRecord[];
  primary_email_address_id: string | null;
  /** Kept for the Frontend API's password sign-in; never part of a response. */
  password: string | null;
  public_metadata: JsonObject;
  private_metadata: JsonObject;
  unsafe_metadata: JsonObject;
  created_at: number;
  updated_at: number;
}

export type SessionStatus =
  "active" | "revoked" | "ended" | "expired" | "removed" | "abandoned" | "replaced" | "pending";

export interface SessionRecord {
  id: string;
  user_id: string;
  client_id: string;
  status: SessionStatus;
  /** The app's origin when a browser signed in; the `azp` claim of its tokens. */
  origin: string | null;
  last_active_at: number;
  expire_at: number;
  abandon_at: number;
  created_at: number;
  updated_at: number;
}

export interface ClientRecord {
  id: string;
  session_ids: string[];
  created_at: number;
  updated_at: number;
}

export interface CustomSigning {
  algorithm: string;
  /** An HMAC secret or a PKCS #8 PEM private key; never part of a response. */
  key: string;
}

export interface JwtTemplateRecord {
  id: string;
  name: string;
  claims: JsonObject;
  lifetime: number;
  allowed_clock_skew: number;
  custom_signing: CustomSigning | null;
  created_at: number;
  updated_at: number;
}

export type JwtTemplateInput = Pick<
  JwtTemplateRecord,
  "name" | "claims" | "lifetime" | "allowed_clock_skew" | "custom_signing"
>;

export class DuplicateTemplateNameError extends Error {
  constructor(readonly templateName: string) {
    super(`A JWT template named "${templateName}" already exists.`);
  }
}

const DAY_MS = 24 * 60 * 60 * 1000;
// Clerk's default session lifetimes: inactive sessions expire after 7 days, all after 30.
const SESSION_EXPIRE_AFTER_MS = 7 * DAY_MS;
const SESSION_ABANDON_AFTER_MS = 30 * DAY_MS;

export function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replaceAll("-", "")}`;
}

/** The emulator's state. Each emulator owns one, so parallel emulators never share data. */
export class EmulatorStore {
  private readonly users = new Map<string, UserRecord>();
  private readonly sessions = new Map<string, SessionRecord>();
  private readonly clients = new Map<string, ClientRecord>();
  private readonly jwtTemplates = new Map<string, JwtTemplateRecord>();

  addUser(user: UserRecord): void {
    this.users.set(user.id, user);
  }

  getUser(id: string): UserRecord | undefined {
    return this.users.get(id);
  }

  /** Starts an active session for a user on a client (device), creating the client if new. */
  createSession(options: { userId: string; clientId?: string; id?: string; origin?: string }): SessionRecord {
    if (!this.users.has(options.userId)) throw new Error(`No user exists with id: ${options.userId}`);
    const now = Date.now();
    const client = this.clientFor(options.clientId ?? newId("client"), now);
    const session: SessionRecord = {
      id: options.id ?? newId("sess"),
      user_id: options.userId,
      client_id: client.id,
      status: "active",
      origin: options.origin ?? null,
      last_active_at: now,
      expire_at: now + SESSION_EXPIRE_AFTER_MS,
      abandon_at: now + SESSION_ABANDON_AFTER_MS,
      created_at: now,
      updated_at: now,
    };
    this.sessions.set(session.id, session);
    client.session_ids.push(session.id);
    client.updated_at = now;
    return session;
  }

  getSession(id: string): SessionRecord | undefined {
    return this.sessions.get(id);
  }

  getClient(id: string): ClientRecord | undefined {
    return this.clients.get(id);
  }

  /** Marks a session revoked; its user has to sign in again. */
  revokeSession(id: string): SessionRecord | undefined {
    const session = this.sessions.get(id);
    if (session) Object.assign(session, { status: "revoked", updated_at: Date.now() });
    return session;
  }

  listJwtTemplates(): JwtTemplateRecord[] {
    return [...this.jwtTemplates.values()];
  }

  getJwtTemplate(id: string): JwtTemplateRecord | undefined {
    return this.jwtTemplates.get(id);
  }

  findJwtTemplateByName(name: string): JwtTemplateRecord | undefined {
    return this.listJwtTemplates().find((template) => template.name === name);
  }

  /** @throws DuplicateTemplateNameError when the name is taken: names are unique, they address templates. */
  createJwtTemplate(input: JwtTemplateInput, id = newId("jtmp")): JwtTemplateRecord {
    this.assertNameFree(input.name);
    const now = Date.now();
    const template: JwtTemplateRecord = { id, ...input, created_at: now, updated_at: now };
    this.jwtTemplates.set(id, template);
    return template;
  }

  /** @throws DuplicateTemplateNameError when renaming onto another template's name. */
  updateJwtTemplate(template: JwtTemplateRecord, changes: Partial<JwtTemplateInput>): JwtTemplateRecord {
    if (changes.name !== undefined && changes.name !== template.name) this.assertNameFree(changes.name);
    return Object.assign(template, changes, { updated_at: Date.now() });
  }

  deleteJwtTemplate(id: string): boolean {
    return this.jwtTemplates.delete(id);
  }

  private clientFor(id: string, now: number): ClientRecord {
    let client = this.clients.get(id);
    if (!client) {
      client = { id, session_ids: [], created_at: now, updated_at: now };
      this.clients.set(id, client);
    }
    return client;
  }

  private assertNameFree(name: string): void {
    if (this.findJwtTemplateByName(name)) throw new DuplicateTemplateNameError(name);
  }
}
