import { randomBytes } from "node:crypto";
import { newId } from "./json";

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

export class ClientStore {
  private readonly clients = new Map<string, ClientRecord>();
  private readonly clientsByCookie = new Map<string, ClientRecord>();

  get(id: string): ClientRecord | undefined {
    return this.clients.get(id);
  }

  /** A new client (device) for a browser that has none yet. */
  create(): ClientRecord {
    return this.getOrCreate(newId("client"), Date.now());
  }

  list(): ClientRecord[] {
    return [...this.clients.values()];
  }

  /** Replaces every client with these (a saved state; store/persistence.ts). */
  restore(clients: ClientRecord[]): void {
    this.clients.clear();
    this.clientsByCookie.clear();
    for (const client of clients) {
      this.clients.set(client.id, client);
      this.clientsByCookie.set(client.cookie_token, client);
    }
  }

  /** Forgets a client (store/sessions.ts forgets those whose sessions are all gone). */
  remove(client: ClientRecord): void {
    this.clients.delete(client.id);
    this.clientsByCookie.delete(client.cookie_token);
  }

  findByCookie(cookieToken: string): ClientRecord | undefined {
    return this.clientsByCookie.get(cookieToken);
  }

  /** The client with this id, created at `now` if it does not exist yet (a session may name a new device). */
  getOrCreate(id: string, now: number): ClientRecord {
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
}
