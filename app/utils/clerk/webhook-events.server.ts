import { z } from "zod";
import type { RevocationTarget } from "~/utils/tokens/sharing/revocations.server";

/**
 * What a verified Clerk webhook must carry before the app acts on it. A signature proves who
 * sent the payload, not its shape: `"data": null` once reached `event.data.id` and was a 500.
 * Each event type the app acts on has a schema here that turns its `data` into the tokens it
 * revokes; another type is one more entry. Types without an entry are acknowledged and ignored.
 */

const withId = z.object({ id: z.string().min(1) }, { error: "must be an object with the id of what it is about" });
const sessionGone = withId.transform(({ id }): RevocationTarget => ({ sessionId: id }));
const aboutUser = withId.transform(({ id }): RevocationTarget => ({ userId: id }));
// A member removed or their role changed: all of that user's tokens go, a safe superset of
// those minted for that organization (docs/decisions/031-organizations-in-the-app.md).
const membershipChanged = z
  .object(
    { public_user_data: z.object({ user_id: z.string().min(1) }, { error: "must name the member's user_id" }) },
    { error: "must be an object with the member's public_user_data" },
  )
  .transform(({ public_user_data }): RevocationTarget => ({ userId: public_user_data.user_id }));

// An organization renamed, its metadata changed, or deleted: {{org.slug}}, {{org.name}} and
// {{org.public_metadata}} render differently in every token minted for it, whoever's, and in no
// other. `data` is the Organization, or for a deletion Clerk's DeletedObject: both carry its id.
const organizationChanged = withId.transform(({ id }): RevocationTarget => ({ orgId: id }));

const REVOKING_EVENTS: Record<string, z.ZodType<RevocationTarget>> = {
  "session.ended": sessionGone,
  "session.removed": sessionGone,
  "session.revoked": sessionGone,
  "user.deleted": aboutUser,
  // A changed name, address or metadata changes what {{user.*}} renders, and maybe their editor
  // role: their tokens and the editors' lookup of them go (decisions 015, 032).
  "user.updated": aboutUser,
  "organizationMembership.deleted": membershipChanged,
  "organizationMembership.updated": membershipChanged,
  "organization.updated": organizationChanged,
  "organization.deleted": organizationChanged,
};

const envelope = z.object({ type: z.string().min(1), data: z.unknown() });

export type WebhookAction =
  | { kind: "revoke"; type: string; target: RevocationTarget }
  | { kind: "ignore"; type: string }
  | { kind: "invalid"; problem: string };

/** What to do with a verified event: revoke, ignore (not a type the app acts on), or refuse its shape. */
export function webhookActionOf(event: unknown): WebhookAction {
  const parsed = envelope.safeParse(event);
  if (!parsed.success) return { kind: "invalid", problem: "the event has no type" };
  const { type, data } = parsed.data;
  const schema = REVOKING_EVENTS[type];
  if (!schema) return { kind: "ignore", type };
  const target = schema.safeParse(data);
  if (target.success) return { kind: "revoke", type, target: target.data };
  const [issue] = target.error.issues;
  const where = ["data", ...(issue?.path ?? [])].join(".");
  return { kind: "invalid", problem: `${type}: ${where} ${issue?.message ?? "is not what Clerk sends"}` };
}
