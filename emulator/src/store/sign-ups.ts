import type { ClientRecord } from "./clients";
import { newId } from "./json";
import { attemptTimestamps, EMAIL_CODE_LIFETIME_MS } from "./lifetimes";
import type { SessionRecord, SessionStore } from "./sessions";
import type { UserStore } from "./users";

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

/** A fresh email code verification: not sent yet (`attempts` null), or just sent (0). */
export function emailCodeVerification(attempts: 0 | null): EmailCodeVerification {
  return { status: "unverified", attempts, expire_at: Date.now() + EMAIL_CODE_LIFETIME_MS };
}

export class SignUpStore {
  private readonly signUps = new Map<string, SignUpRecord>();

  constructor(
    private readonly users: UserStore,
    private readonly sessions: SessionStore,
  ) {}

  /** Starts a sign-up on the client, replacing any sign-up in progress there. */
  create(client: ClientRecord, fields: SignUpFields): SignUpRecord {
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

  get(id: string): SignUpRecord | undefined {
    return this.signUps.get(id);
  }

  /** Everything is provided and verified: the sign-up creates the user and a session for them. */
  complete(client: ClientRecord, signUp: SignUpRecord, emailAddress: string, origin: string | null): SessionRecord {
    const { password_digest, first_name, last_name } = signUp;
    const user = this.users.create({ email_address: emailAddress, password_digest, first_name, last_name });
    const session = this.sessions.create({ userId: user.id, clientId: client.id, origin });
    Object.assign(signUp, { created_user_id: user.id, created_session_id: session.id });
    client.sign_up_id = null;
    return session;
  }
}
