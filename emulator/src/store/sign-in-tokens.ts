import { randomBytes } from "node:crypto";
import { newId } from "./json";

/** A sign-in token: a ticket that signs its user in once, without a first factor. */
export interface SignInTokenRecord {
  id: string;
  user_id: string;
  /** The ticket itself, for the Frontend API's `ticket` strategy; a secret. */
  token: string;
  status: "pending" | "accepted" | "revoked";
  expire_at: number;
  created_at: number;
  updated_at: number;
}

/** Why a ticket cannot sign anyone in, if it cannot. */
export type TicketProblem = "invalid" | "expired" | "used";

export class SignInTokenStore {
  private readonly byToken = new Map<string, SignInTokenRecord>();

  create(userId: string, expiresInSeconds: number): SignInTokenRecord {
    const now = Date.now();
    const record: SignInTokenRecord = {
      id: newId("sit"),
      user_id: userId,
      token: randomBytes(32).toString("base64url"),
      status: "pending",
      expire_at: now + expiresInSeconds * 1000,
      created_at: now,
      updated_at: now,
    };
    this.byToken.set(record.token, record);
    return record;
  }

  /** Accepts the ticket (it works once): its token, or why it cannot be used. */
  redeem(ticket: string): SignInTokenRecord | TicketProblem {
    const record = this.byToken.get(ticket);
    if (!record || record.status === "revoked") return "invalid";
    if (record.status === "accepted") return "used";
    if (record.expire_at <= Date.now()) return "expired";
    Object.assign(record, { status: "accepted", updated_at: Date.now() });
    return record;
  }
}
