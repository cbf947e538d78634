import type { ActionFunctionArgs } from "@remix-run/node";
import { ClerkCallBudgetSpent } from "~/utils/clerk/call-budget.server";
import { userRateLimited } from "~/utils/clerk/errors.server";
import { TEMPLATE_NAME_PATTERN } from "~/utils/config/env.server";
import { readForm } from "~/utils/http/form.server";
import { apiError, jsonResponse } from "~/utils/http/responses.server";
import { assertTemplateEditor, requireSignedInPost } from "~/utils/templates/access.server";
import { templateApiErrorResponse } from "~/utils/templates/catalog.server";
import { previewTemplate } from "~/utils/templates/previews.server";

/**
 * POST /templates/previews with a `template` form field: that template's token for the signed-in
 * user's personal account and for each of their organizations (docs/template-studio.md). Only
 * for template editors where the studio edits templates: it makes sessions, which Clerk allows on
 * development instances, and spends several Backend API calls, charged to the user's share of Clerk's rate limit.
 */
export async function action(args: ActionFunctionArgs) {
  const signedIn = await requireSignedInPost(args);
  await assertTemplateEditor(signedIn);
  const template = (await readForm(args.request)).get("template");
  if (typeof template !== "string" || !TEMPLATE_NAME_PATTERN.test(template)) {
    throw apiError(400, { message: "Send a template name in the template form field.", code: "invalid_template" });
  }
  const previews = await previewTemplate(signedIn.userId, template).catch((error: unknown) => {
    throw error instanceof ClerkCallBudgetSpent ? userRateLimited(error) : templateApiErrorResponse(error);
  });
  return jsonResponse(previews, 200);
}

export function loader() {
  return apiError(405, { message: "POST a template form field.", code: "method_not_allowed" }, { Allow: "POST" });
}
