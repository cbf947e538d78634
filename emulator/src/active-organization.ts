import { clerkErrorResponse } from "./http";
import type { EmulatorStore } from "./store";
import type { ActiveMembership } from "./store/organizations";
import type { SessionRecord } from "./store/sessions";
import type { Parsed } from "./validation";

/**
 * Clerk's refusal of a token or a switch for an organization the user is not, or no longer, a
 * member of; clerk-js shows it as "You are no longer a member of this organization"
 * (docs/decisions/030-emulated-organizations.md).
 */
export function organizationNotFoundOrUnauthorized(): Response {
  return clerkErrorResponse(404, [
    {
      code: "organization_not_found_or_unauthorized",
      message: "Organization not found or unauthorized",
      long_message: "You are no longer a member of this organization, or it does not exist.",
    },
  ]);
}

/**
 * The organization a session's next token is for: `requested` (an id or slug; null for the
 * personal account), else the session's active one. A membership that has ended is an error, not
 * a silent switch to the personal account.
 */
export function tokenOrganization(
  store: EmulatorStore,
  session: SessionRecord,
  requested?: string | null,
): Parsed<ActiveMembership | null> {
  const wanted = requested === undefined ? session.last_active_organization_id : requested;
  const active = store.organizations.activeMembership(session.user_id, wanted);
  return active === undefined
    ? { ok: false, response: organizationNotFoundOrUnauthorized() }
    : { ok: true, data: active };
}
