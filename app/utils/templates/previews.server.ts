import { clerkClient } from "~/utils/clerk/client.server";
import { chargedWithinBudget, withinBudget } from "~/utils/clerk/budget.server";
import { templateTokenCall, tokenErrorResponse, type ClerkCall } from "~/utils/clerk/errors.server";
import { clerkCallBudgets } from "~/utils/clerk/user-shares.server";
import { config } from "~/utils/config/config.server";
import type { PreviewAccount, TemplatePreview, TemplatePreviews } from "~/templates/previews";

/**
 * The studio's previews: a template's token for the signed-in user's personal account and for
 * each of their organizations, all through the Backend API. Each comes from a session of the
 * user's own, made for it with that organization active (`POST /v1/sessions`, which Clerk offers
 * for testing and development instances, as the studio is) and revoked once the token is minted.
 * Why not the user's own session: docs/decisions/031-organizations-in-the-app.md.
 */

/** Each preview costs three Backend API calls; a development instance allows 100 per 10 s. */
const MAX_PREVIEWED_ORGANIZATIONS = 5;

const withinTimeBudget = <T>(call: () => Promise<T>) => withinBudget(call, config.apiTimeoutMs);

/**
 * A Backend API call on the user's behalf, within CLERK_API_TIMEOUT_MS and charged to their share of
 * Clerk's rate limit: refused (429 user_rate_limited) before Clerk when the share is spent.
 */
const chargedCall = <T>(userId: string, call: () => Promise<T>) =>
  chargedWithinBudget(clerkCallBudgets, userId, call, config.apiTimeoutMs);

/** The answer the token route would give for this failure, as a preview shows it; the log names the call that failed. */
async function failedPreview(account: PreviewAccount, error: unknown, call: ClerkCall): Promise<TemplatePreview> {
  const answer = tokenErrorResponse(error, call);
  const { code, message } = (await answer.json()) as { code?: string; message: string };
  return { account, status: answer.status, code: code ?? "unauthorized", message };
}

async function previewFor(userId: string, template: string, account: PreviewAccount): Promise<TemplatePreview> {
  // @clerk/backend's createSession type names only userId; the Backend API takes active_organization_id too.
  const params = { userId, activeOrganizationId: account?.id };
  let sessionId: string;
  try {
    sessionId = (await chargedCall(userId, () => clerkClient.sessions.createSession(params))).id;
  } catch (error) {
    return failedPreview(account, error, { template, url: `${config.apiUrl}/v1/sessions` });
  }
  try {
    const token = await chargedCall(userId, () => clerkClient.sessions.getToken(sessionId, template));
    return { account, jwt: token.jwt };
  } catch (error) {
    return failedPreview(account, error, templateTokenCall(template, config.apiUrl));
  } finally {
    // Counted but never refused: a session made for a preview is always revoked.
    clerkCallBudgets.charge(userId);
    await withinTimeBudget(() => clerkClient.sessions.revokeSession(sessionId)).catch(() =>
      console.error(`[templates] a preview session could not be revoked; it expires on its own`),
    );
  }
}

export async function previewTemplate(userId: string, template: string): Promise<TemplatePreviews> {
  const memberships = await chargedCall(userId, () =>
    clerkClient.users.getOrganizationMembershipList({ userId, limit: MAX_PREVIEWED_ORGANIZATIONS }),
  );
  const organizations: PreviewAccount[] = memberships.data.map(({ organization, role }) => ({
    id: organization.id,
    slug: organization.slug,
    name: organization.name,
    role,
  }));
  const previews = await Promise.all([null, ...organizations].map((account) => previewFor(userId, template, account)));
  return { template, previews, notPreviewed: Math.max(0, memberships.totalCount - organizations.length) };
}
