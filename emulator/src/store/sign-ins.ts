import type { ClientRecord } from "./clients";
import { newId } from "./json";
import { attemptTimestamps } from "./lifetimes";
import type { SessionRecord, SessionStore } from "./sessions";
import type { UserRecord } from "./users";

/** A sign-in by email address and password, or by a sign-in token's ticket; complete once it has created a session. */
export interface SignInRecord {
  id: string;
  client_id: string;
  user_id: string;
  identifier: string;
  strategy: "password" | "ticket";
  created_session_id: string | null;
  abandon_at: number;
  created_at: number;
}

export class SignInStore {
  private readonly signIns = new Map<string, SignInRecord>();

  constructor(private readonly sessions: SessionStore) {}

  /** Starts a sign-in on the client, replacing any sign-in in progress there. */
  create(
    client: ClientRecord,
    user: UserRecord,
    identifier: string,
    strategy: SignInRecord["strategy"] = "password",
  ): SignInRecord {
    const signIn: SignInRecord = {
      id: newId("sia"),
      client_id: client.id,
      user_id: user.id,
      identifier,
      strategy,
      created_session_id: null,
      ...attemptTimestamps(),
    };
    this.signIns.set(signIn.id, signIn);
    client.sign_in_id = signIn.id;
    return signIn;
  }

  get(id: string): SignInRecord | undefined {
    return this.signIns.get(id);
  }

  /** The first factor is verified: the sign-in creates a session, which becomes the client's active one. */
  complete(client: ClientRecord, signIn: SignInRecord, origin: string | null): SessionRecord {
    const session = this.sessions.create({ userId: signIn.user_id, clientId: client.id, origin });
    signIn.created_session_id = session.id;
    client.sign_in_id = null;
    return session;
  }
}
