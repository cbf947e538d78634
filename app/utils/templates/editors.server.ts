import type { User } from "@clerk/backend";
import { LRUCache } from "lru-cache";
import { clerkClient } from "~/utils/clerk/client.server";
import { withinBudget } from "~/utils/clerk/budget.server";
import { config } from "~/utils/config/config.server";

/**
 * Who may create, edit and export templates: the users TEMPLATE_EDITORS names,
 * by user id (no Clerk call) or by primary email address. An address is
 * compared with the signed-in user's primary one, verified, read with
 * `GET /v1/users/{id}` once per user and kept for EMAIL_KEPT_MS, so a user
 * reloading a page costs one Backend API call per interval, not one per load
 * (docs/decisions/025-template-editors-and-the-emulator-marker.md).
 */

/** How long a user's primary address is trusted after it is read: a changed address counts within this. */
const EMAIL_KEPT_MS = 5 * 60_000;
const MAX_USERS_KEPT = 10_000;

/** The user's primary email address, lower-cased, when it is verified; "" otherwise. */
function verifiedPrimaryEmailOf(user: User): string {
  const primary = user.primaryEmailAddress;
  return primary?.verification?.status === "verified" ? primary.emailAddress.toLowerCase() : "";
}

const primaryEmails = new LRUCache<string, string>({
  max: MAX_USERS_KEPT,
  ttl: EMAIL_KEPT_MS,
  // Concurrent lookups of one user share one call.
  fetchMethod: async (userId) =>
    verifiedPrimaryEmailOf(await withinBudget(() => clerkClient.users.getUser(userId), config.apiTimeoutMs)),
});

/** Whether this signed-in user may edit templates (editing itself may still be off). */
export async function isTemplateEditor(userId: string): Promise<boolean> {
  const { userIds, emails } = config.templateEditors;
  if (userIds.includes(userId)) return true;
  if (emails.length === 0) return false;
  const email = await primaryEmails.fetch(userId);
  return email !== undefined && email !== "" && emails.includes(email);
}
