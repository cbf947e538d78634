import { randomBytes, randomUUID } from "node:crypto";

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
  /** A salted digest (passwords.ts) for the Frontend API's password sign-in; never part of a response. */
  password_digest: string | null;
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

/** A browser (device), as the Frontend API knows it through the `__client` cookie. */
export interface ClientRecord {
  id: string;
  /** The `__client` cookie's value: a secret, so that knowing a client's id is not enough to act as it. */
  cookie_token: string;
  session_ids: string[];
  last_active_session_id: string | null;
  /** The sign-in and sign-up in progress on this client, if any. */
  sign_in_id: string | null;
  sign_up_id: string | null;
  created_at: number;
  updated_at: number;
}

/** A password sign-in by email address; complete once it has created a session. */
export interface SignInRecord {
  id: string;
  client_id: string;
  user_id: string;
  identifier: string;
  created_session_id: string | null;
  abandon_at: number;
  created_at: number;
}

/** An email code "sent" by prepare_verification; `attempts` stays null until then. */
export interface EmailCodeVerification {
  status: "unverified" | "verified";
  attempts: number | null;
  expire_at: number;
}

/** An email + password sign-up; complete once it has created a user and a session. */
export interface SignUpRecord {
  id: string;
  client_id: string;
  email_address: string | null;
  password_digest: string | null;
  first_name: string | null;
  last_name: string | null;
  email_verification: EmailCodeVerification;
  created_user_id: string | null;
  created_session_id: string | null;
  abandon_at: number;
  created_at: number;
}

export type SignUpFields = Pick<SignUpRecord, "email_address" | "password_digest" | "first_name" | "last_name">;

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
// Unfinished sign-ins and sign-ups are abandoned after a day; an email code lasts 10 minutes.
const ATTEMPT_ABANDON_AFTER_MS = DAY_MS;
const EMAIL_CODE_LIFETIME_MS = 10 * 60 * 1000;
// A handshake payload lives as long as the cookie that names it.
const HANDSHAKE_PAYLOAD_LIFETIME_MS = 60 * 1000;

/** A fresh email code verification: not sent yet (`attempts` null), or just sent (0). */
export function emailCodeVerification(attempts: 0 | null): EmailCodeVerification {
  return { status: "unverified", attempts, expire_at: Date.now() + EMAIL_CODE_LIFETIME_MS };
}

/** When a sign-in or sign-up starts, and when it is abandoned unless finished. */
function attemptTimestamps(): { created_at: number; abandon_at: number } {
  const now = Date.now();
  return { created_at: now, abandon_at: now + ATTEMPT_ABANDON_AFTER_MS };
}

/**
 * Whether a session counts as signed in, and so can mint tokens. A pending
 * session does: its tokens say `sts: "pending"` and SDKs treat them as signed out.
 */
export function isLiveSession(session: SessionRecord): boolean {
  return session.status === "active" || session.status === "pending";
}

export function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replaceAll("-", "")}`;
}

/** The emulator's state. Each emulator owns one, so parallel emulators never share data. */
export class EmulatorStore {
  private readonly users = new Map<string, UserRecord>();
  private readonly sessions = new Map<string, SessionRecord>();
  private readonly clients = new Map<string, ClientRecord>();
  private readonly clientsByCookie = new Map<string, ClientRecord>();
  private readonly signIns = new Map<string, SignInRecord>();
  private readonly signUps = new Map<string, SignUpRecord>();
  private readonly jwtTemplates = new Map<string, JwtTemplateRecord>();
  private readonly handshakePayloads = new Map<string, { directives: string[]; expire_at: number }>();

  addUser(user: UserRecord): void {
    this.users.set(user.id, user);
  }

  getUser(id: string): UserRecord | undefined {
    return this.users.get(id);
  }

  /** The user owning an email address, compared case-insensitively as Clerk does. */
  findUserByEmail(emailAddress: string): UserRecord | undefined {
    const wanted = emailAddress.toLowerCase();
    return [...this.users.values()].find((user) =>
      user.email_addresses.some((email) => email.email_address.toLowerCase() === wanted),
    );
  }

  /** Starts an active session for a user on a client (device), creating the client if new. */
  createSession(options: { userId: string; clientId?: string; id?: string; origin?: string | null }): SessionRecord {
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
    client.last_active_session_id = session.id;
    client.updated_at = now;
    return session;
  }

  /** The client's sessions that count as signed in, oldest first. */
  liveSessionsOf(client: ClientRecord): SessionRecord[] {
    return client.session_ids
      .map((id) => this.sessions.get(id))
      .filter((session): session is SessionRecord => session !== undefined && isLiveSession(session));
  }

  /** Activity on a session (clerk-js "touches" it): it becomes its client's active session. */
  touchSession(session: SessionRecord): void {
    session.last_active_at = Date.now();
    const client = this.clients.get(session.client_id);
    if (client) client.last_active_session_id = session.id;
  }

  /** Ends or removes a session on its client (sign-out), which changes the client's signed-in state. */
  closeSession(session: SessionRecord, status: "ended" | "removed"): void {
    const now = Date.now();
    Object.assign(session, { status, updated_at: now });
    const client = this.clients.get(session.client_id);
    if (!client) return;
    if (client.last_active_session_id === session.id) client.last_active_session_id = null;
    client.updated_at = now;
  }

  getSession(id: string): SessionRecord | undefined {
    return this.sessions.get(id);
  }

  getClient(id: string): ClientRecord | undefined {
    return this.clients.get(id);
  }

  /** A new client (device) for a browser that has none yet. */
  createClient(): ClientRecord {
    return this.clientFor(newId("client"), Date.now());
  }

  findClientByCookie(cookieToken: string): ClientRecord | undefined {
    return this.clientsByCookie.get(cookieToken);
  }

  /** Creates a user whose email address is verified, as a completed sign-up does. */
  createUser(fields: { email_address: string } & Omit<SignUpFields, "email_address">): UserRecord {
    const now = Date.now();
    const emailId = newId("idn");
    const user: UserRecord = {
      id: newId("user"),
      username: null,
      first_name: fields.first_name,
      last_name: fields.last_name,
      image_url: "",
      email_addresses: [{ id: emailId, email_address: fields.email_address, verified: true }],
      primary_email_address_id: emailId,
      password_digest: fields.password_digest,
      public_metadata: {},
      private_metadata: {},
      unsafe_metadata: {},
      created_at: now,
      updated_at: now,
    };
    this.users.set(user.id, user);
    return user;
  }

  /** Starts a sign-in on the client, replacing any sign-in in progress there. */
  createSignIn(client: ClientRecord, user: UserRecord, identifier: string): SignInRecord {
    const signIn: SignInRecord = {
      id: newId("sia"),
      client_id: client.id,
      user_id: user.id,
      identifier,
      created_session_id: null,
      ...attemptTimestamps(),
    };
    this.signIns.set(signIn.id, signIn);
    client.sign_in_id = signIn.id;
    return signIn;
  }

  getSignIn(id: string): SignInRecord | undefined {
    return this.signIns.get(id);
  }

  /** The first factor is verified: the sign-in creates a session, which becomes the client's active one. */
  completeSignIn(client: ClientRecord, signIn: SignInRecord, origin: string | null): SessionRecord {
    const session = this.createSession({ userId: signIn.user_id, clientId: client.id, origin });
    signIn.created_session_id = session.id;
    client.sign_in_id = null;
    return session;
  }

  /** Starts a sign-up on the client, replacing any sign-up in progress there. */
  createSignUp(client: ClientRecord, fields: SignUpFields): SignUpRecord {
    const signUp: SignUpRecord = {
      id: newId("sua"),
      client_id: client.id,
      ...fields,
      email_verification: emailCodeVerification(null),
      created_user_id: null,
      created_session_id: null,
      ...attemptTimestamps(),
    };
    this.signUps.set(signUp.id, signUp);
    client.sign_up_id = signUp.id;
    return signUp;
  }

  getSignUp(id: string): SignUpRecord | undefined {
    return this.signUps.get(id);
  }

  /** Everything is provided and verified: the sign-up creates the user and a session for them. */
  completeSignUp(
    client: ClientRecord,
    signUp: SignUpRecord,
    emailAddress: string,
    origin: string | null,
  ): SessionRecord {
    const { password_digest, first_name, last_name } = signUp;
    const user = this.createUser({ email_address: emailAddress, password_digest, first_name, last_name });
    const session = this.createSession({ userId: user.id, clientId: client.id, origin });
    Object.assign(signUp, { created_user_id: user.id, created_session_id: session.id });
    client.sign_up_id = null;
    return session;
  }

  /** Keeps a handshake's cookie directives for the backend to fetch by nonce (Clerk's `format=nonce`). */
  saveHandshakePayload(directives: string[]): string {
    const now = Date.now();
    for (const [nonce, payload] of this.handshakePayloads) {
      if (payload.expire_at <= now) this.handshakePayloads.delete(nonce);
    }
    const nonce = randomBytes(24).toString("base64url");
    this.handshakePayloads.set(nonce, { directives, expire_at: now + HANDSHAKE_PAYLOAD_LIFETIME_MS });
    return nonce;
  }

  getHandshakePayload(nonce: string): string[] | undefined {
    const payload = this.handshakePayloads.get(nonce);
    return payload && payload.expire_at > Date.now() ? payload.directives : undefined;
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
      client = {
        id,
        cookie_token: randomBytes(24).toString("base64url"),
        session_ids: [],
        last_active_session_id: null,
        sign_in_id: null,
        sign_up_id: null,
        created_at: now,
        updated_at: now,
      };
      this.clients.set(id, client);
      this.clientsByCookie.set(client.cookie_token, client);
    }
    return client;
  }

  private assertNameFree(name: string): void {
    if (this.findJwtTemplateByName(name)) throw new DuplicateTemplateNameError(name);
  }
}
