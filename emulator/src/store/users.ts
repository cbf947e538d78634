import { mergeJsonObjects, newId, type JsonObject } from "./json";

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

export const METADATA_FIELDS = ["public_metadata", "private_metadata", "unsafe_metadata"] as const;
type MetadataField = (typeof METADATA_FIELDS)[number];

/** What a completed sign-up knows about its new user. */
export type NewUserFields = Pick<UserRecord, "password_digest" | "first_name" | "last_name"> & {
  email_address: string;
};

export class UserStore {
  private readonly users = new Map<string, UserRecord>();

  add(user: UserRecord): void {
    this.users.set(user.id, user);
  }

  get(id: string): UserRecord | undefined {
    return this.users.get(id);
  }

  list(): UserRecord[] {
    return [...this.users.values()];
  }

  /** Replaces every user with these (a saved state; store/persistence.ts). */
  restore(users: UserRecord[]): void {
    this.users.clear();
    for (const user of users) this.users.set(user.id, user);
  }

  /** Merges metadata into a user's, as `PATCH /v1/users/{id}/metadata` does (mergeJsonObjects). */
  mergeMetadata(user: UserRecord, patch: Partial<Pick<UserRecord, MetadataField>>): UserRecord {
    for (const field of METADATA_FIELDS) {
      const changes = patch[field];
      if (changes) user[field] = mergeJsonObjects(user[field], changes);
    }
    user.updated_at = Date.now();
    return user;
  }

  /** The user owning an email address, compared case-insensitively as Clerk does. */
  findByEmail(emailAddress: string): UserRecord | undefined {
    const wanted = emailAddress.toLowerCase();
    return [...this.users.values()].find((user) =>
      user.email_addresses.some((email) => email.email_address.toLowerCase() === wanted),
    );
  }

  /** Creates a user whose email address is verified, as a completed sign-up does. */
  create(fields: NewUserFields): UserRecord {
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
}
