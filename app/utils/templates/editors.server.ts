import type { User } from "@clerk/backend";
import { LRUCache } from "lru-cache";
import { clerkClient } from "~/utils/clerk/client.server";
import { withinBudget } from "~/utils/clerk/budget.server";
import { config } from "~/utils/config/config.server";
import { revocations } from "~/utils/tokens/sharing/stores.server";

/**
 * Who may create, edit and export templates: the users TEMPLATE_EDITORS names, by user id (no Clerk
 * call) or by primary email address, and the users whose public metadata `role` is TEMPLATE_EDITOR_ROLE.
 * The role is read from the verified session token when the instance puts the user's public metadata
 * there (the `metadata` claim of Clerk's basic RBAC guide); otherwise, like the address, from
 * `GET /v1/users/{id}`, read once per user and kept for USER_KEPT_MS, so a user reloading a page costs
 * one Backend API call per interval, not one per load, and forgotten when Clerk's user.updated webhook
 * says the user changed. An organization role never counts: templates
 * are instance-wide (docs/decisions/025-template-editors-and-the-emulator-marker.md,
 * docs/decisions/032-template-editors-by-role.md).
 */

/** How long a user's address and role are trusted after they are read: a change counts within this. */
const USER_KEPT_MS = 5 * 60_000;
const MAX_USERS_KEPT = 10_000;

/** What editing depends on in a user: the verified primary address (lower-cased, or "") and the role. */
type EditorFacts = { email: string; role: string | undefined };

/** The public metadata's `role`, when it is a string. */
function roleIn(metadata: unknown): string | undefined {
  if (typeof metadata !== "object" || metadata === null) return undefined;
  const role = (metadata as { role?: unknown }).role;
  return typeof role === "string" ? role : undefined;
}

function editorFactsOf(user: User): EditorFacts {
  const primary = user.primaryEmailAddress;
  return {
    email: primary?.verification?.status === "verified" ? primary.emailAddress.toLowerCase() : "",
    role: roleIn(user.publicMetadata),
  };
}

const usersRead = new LRUCache<string, EditorFacts>({
  max: MAX_USERS_KEPT,
  ttl: USER_KEPT_MS,
  // Concurrent lookups of one user share one call.
  fetchMethod: async (userId) =>
    editorFactsOf(await withinBudget(() => clerkClient.users.getUser(userId), config.apiTimeoutMs)),
});

// Clerk's user.updated or user.deleted webhook, in every process: a removed role or address stops counting at
// once, not after USER_KEPT_MS. A process that may have missed one forgets every user.
revocations.onRevoked((target) => {
  if (target === "anyone") usersRead.clear();
  else if ("userId" in target) usersRead.delete(target.userId);
});

/** The verified session token's claims, as getAuth gives them (Clerk's JwtPayload). */
export type SessionClaims = object;

/**
 * Whether this signed-in user may edit templates (editing itself may still be off). `claims` are the
 * session token's: a `metadata` claim there is the user's public metadata, as the instance's
 * session-token customization puts it, and is read instead of calling Clerk for the role.
 */
export async function isTemplateEditor(userId: string, claims: SessionClaims): Promise<boolean> {
  const { userIds, emails, role } = config.templateEditors;
  if (userIds.includes(userId)) return true;
  const metadata: unknown = (claims as { metadata?: unknown }).metadata;
  const roleInToken = role !== undefined && metadata !== undefined;
  if (roleInToken && roleIn(metadata) === role) return true;
  const roleToRead = role !== undefined && !roleInToken;
  if (emails.length === 0 && !roleToRead) return false;
  const user = await usersRead.fetch(userId);
  if (user === undefined) return false;
  return (user.email !== "" && emails.includes(user.email)) || (roleToRead && user.role === role);
}
