import type { ClientRecord, ClientStore } from "./clients";
import { newId } from "./json";
import { SESSION_ABANDON_AFTER_MS, SESSION_EXPIRE_AFTER_MS } from "./lifetimes";
import type { UserStore } from "./users";

export type SessionStatus =
  "active" | "revoked" | "ended" | "expired" | "removed" | "abandoned" | "replaced" | "pending";

export interface SessionRecord {
  id: string;
  user_id: string;
  client_id: string;
  status: SessionStatus;
  /** The app's origin when a browser signed in; the `azp` claim of its tokens. */
  origin: string | null;
  /** The active organization (setActive), whose claims its tokens carry; null: the personal account. */
  last_active_organization_id: string | null;
  last_active_at: number;
  expire_at: number;
  abandon_at: number;
  created_at: number;
  updated_at: number;
}

/**
 * How many ended (revoked, ended, removed…) sessions are kept: the most recently ended ones, which
 * still answer `GET /v1/sessions/{id}` with their status as Clerk's do. Older ones are forgotten, so
 * that the studio's previews (a session made and revoked each) do not grow the saved state forever;
 * a token for a forgotten one is refused with the same 404. docs/decisions/028-emulator-state-in-the-data-dir.md
 */
export const ENDED_SESSIONS_KEPT = 100;

/**
 * Whether a session counts as signed in, and so can mint tokens. A pending
 * session does: its tokens say `sts: "pending"` and SDKs treat them as signed out.
 */
export function isLiveSession(session: SessionRecord): boolean {
  return session.status === "active" || session.status === "pending";
}

/** Sessions, and the signed-in state of the clients (devices) they belong to. */
export class SessionStore {
  private readonly sessions = new Map<string, SessionRecord>();

  constructor(
    private readonly users: UserStore,
    private readonly clients: ClientStore,
  ) {}

  /** Starts an active session for a user on a client (device), creating the client if new. */
  create(options: {
    userId: string;
    clientId?: string;
    id?: string;
    origin?: string | null;
    activeOrganizationId?: string | null;
  }): SessionRecord {
    if (!this.users.get(options.userId)) throw new Error(`No user exists with id: ${options.userId}`);
    const now = Date.now();
    const client = this.clients.getOrCreate(options.clientId ?? newId("client"), now);
    const session: SessionRecord = {
      id: options.id ?? newId("sess"),
      user_id: options.userId,
      client_id: client.id,
      status: "active",
      origin: options.origin ?? null,
      last_active_organization_id: options.activeOrganizationId ?? null,
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

  get(id: string): SessionRecord | undefined {
    return this.sessions.get(id);
  }

  list(): SessionRecord[] {
    return [...this.sessions.values()];
  }

  /** Replaces every session with these (a saved state; store/persistence.ts). */
  restore(sessions: SessionRecord[]): void {
    this.sessions.clear();
    for (const session of sessions) this.sessions.set(session.id, session);
    // A state saved before ended sessions were bounded may hold thousands.
    this.forgetOldEnded();
  }

  /** The client's sessions that count as signed in, oldest first. */
  liveOn(client: ClientRecord): SessionRecord[] {
    return client.session_ids
      .map((id) => this.sessions.get(id))
      .filter((session): session is SessionRecord => session !== undefined && isLiveSession(session));
  }

  /**
   * Activity on a session (clerk-js "touches" it): it becomes its client's active session, and
   * with an organization id (null: the personal account) that organization becomes its active one.
   */
  touch(session: SessionRecord, activeOrganizationId?: string | null): void {
    session.last_active_at = Date.now();
    if (activeOrganizationId !== undefined) session.last_active_organization_id = activeOrganizationId;
    const client = this.clients.get(session.client_id);
    if (client) client.last_active_session_id = session.id;
  }

  /** A deleted organization is no longer any session's active one (Clerk "clears" it): the personal account is. */
  clearOrganization(organizationId: string): void {
    for (const session of this.sessions.values()) {
      if (session.last_active_organization_id === organizationId) session.last_active_organization_id = null;
    }
  }

  /** Ends or removes a session on its client (sign-out), which changes the client's signed-in state. */
  close(session: SessionRecord, status: "ended" | "removed"): void {
    const now = Date.now();
    Object.assign(session, { status, updated_at: now });
    const client = this.clients.get(session.client_id);
    if (client) {
      if (client.last_active_session_id === session.id) client.last_active_session_id = null;
      client.updated_at = now;
    }
    this.forgetOldEnded();
  }

  /** Marks a session revoked; its user has to sign in again. */
  revoke(id: string): SessionRecord | undefined {
    const session = this.sessions.get(id);
    if (session) Object.assign(session, { status: "revoked", updated_at: Date.now() });
    this.forgetOldEnded();
    return session;
  }

  /** Forgets the ended sessions beyond the ENDED_SESSIONS_KEPT most recently ended. */
  private forgetOldEnded(): void {
    const ended = [...this.sessions.values()].filter((session) => !isLiveSession(session));
    if (ended.length <= ENDED_SESSIONS_KEPT) return;
    ended.sort((a, b) => a.updated_at - b.updated_at);
    for (const session of ended.slice(0, ended.length - ENDED_SESSIONS_KEPT)) this.forget(session);
  }

  /**
   * Removes a session from the store and from its client's list; a client left with no session and
   * nothing in progress (as each preview's is, made for it alone) goes too. A browser that still
   * holds its cookie is answered as one without a client: signed out, which it already was.
   */
  private forget(session: SessionRecord): void {
    this.sessions.delete(session.id);
    const client = this.clients.get(session.client_id);
    if (!client) return;
    client.session_ids = client.session_ids.filter((id) => id !== session.id);
    if (client.last_active_session_id === session.id) client.last_active_session_id = null;
    if (client.session_ids.length === 0 && client.sign_in_id === null && client.sign_up_id === null) {
      this.clients.remove(client);
    }
  }
}
