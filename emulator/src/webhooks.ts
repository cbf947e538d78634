import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { sessionResource } from "./resources";
import type { SessionRecord } from "./store/sessions";

/**
 * Clerk's webhooks for the events that end a session, change a user's metadata, or change an organization or its memberships: delivered as Clerk
 * delivers them through Svix — a JSON event signed per Standard Webhooks, with
 * `svix-id`, `svix-timestamp` and `svix-signature` headers — to one endpoint.
 */

export type SessionEventType = "session.ended" | "session.removed" | "session.revoked";

/** A member added, their role changed, or removed (the Backend API's membership calls). */
export type MembershipEventType =
  "organizationMembership.created" | "organizationMembership.updated" | "organizationMembership.deleted";

/** An organization renamed or its metadata changed (the Backend API's PATCH), or deleted. */
export type OrganizationEventType = "organization.updated" | "organization.deleted";

/** A user's metadata changed (the Backend API's PATCH …/metadata). */
export type UserEventType = "user.updated";

export interface WebhookEndpoint {
  /** Where events are POSTed, e.g. http://localhost:3000/api/webhooks/clerk. */
  url: string;
  /** `whsec_` + base64, as the Clerk Dashboard shows an endpoint's signing secret. */
  signingSecret: string;
}

export interface WebhookSender {
  sessionEvent(type: SessionEventType, session: SessionRecord): void;
  /** `membership`: the Backend API's OrganizationMembership, as Clerk's event carries it. */
  membershipEvent(type: MembershipEventType, membership: object): void;
  /** `organization`: the Backend API's Organization, or for a deletion its DeletedObject. */
  organizationEvent(type: OrganizationEventType, organization: object): void;
  /** `user`: the Backend API's User, as Clerk's event carries it. */
  userEvent(type: UserEventType, user: object): void;
}

// Svix retries a failed delivery; the emulator, on its own machine, a few times quickly.
const ATTEMPTS = 3;
const RETRY_DELAY_MS = 500;
const DELIVERY_TIMEOUT_MS = 5000;

/** A new endpoint signing secret, in the Dashboard's format. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

/** Sends nothing: the emulator has no endpoint configured. */
export const NO_WEBHOOKS: WebhookSender = {
  sessionEvent() {},
  membershipEvent() {},
  organizationEvent() {},
  userEvent() {},
};

export function webhookSender(endpoint: WebhookEndpoint, log: (line: string) => void): WebhookSender {
  const signer = new Webhook(endpoint.signingSecret);

  async function deliver(type: string, data: object) {
    const id = `msg_${randomBytes(12).toString("hex")}`;
    const body = JSON.stringify({
      data,
      object: "event",
      type,
      timestamp: Date.now(),
      event_attributes: { http_request: { client_ip: "127.0.0.1", user_agent: "clerk-emulator" } },
    });
    for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
      // Signed afresh for each attempt, as Svix does: the timestamp is the attempt's.
      const sentAt = new Date();
      const headers = {
        "Content-Type": "application/json",
        "svix-id": id,
        "svix-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
        "svix-signature": signer.sign(id, sentAt, body),
      };
      const status = await fetch(endpoint.url, {
        method: "POST",
        headers,
        body,
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      }).then(
        async (response) => {
          // Only the status counts, as at Svix; an unread body would hold its connection open.
          await response.body?.cancel();
          return response.status;
        },
        (error: Error) => error.name,
      );
      log(`WEBHOOK ${type} → ${status} (attempt ${attempt})`);
      if ((typeof status === "number" && status >= 200 && status < 300) || attempt === ATTEMPTS) return;
      await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS * attempt));
    }
  }

  return {
    sessionEvent(type, session) {
      void deliver(type, sessionResource(session));
    },
    membershipEvent(type, membership) {
      void deliver(type, membership);
    },
    organizationEvent(type, organization) {
      void deliver(type, organization);
    },
    userEvent(type, user) {
      void deliver(type, user);
    },
  };
}
