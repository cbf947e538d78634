import { getAuth } from "@clerk/remix/ssr.server";
import type { ActionFunctionArgs } from "@remix-run/node";
import { authOptions } from "~/utils/clerk/client.server";
import { TEMPLATE_NAME_PATTERN } from "~/utils/config/env.server";
import { readForm } from "~/utils/http/form.server";
import { apiError, jsonResponse, unauthorized } from "~/utils/http/responses.server";
import { assertTemplateEditing, requireSignedInPost } from "~/utils/templates/access.server";
import { templateApiErrorResponse } from "~/utils/templates/catalog.server";
import { previewTemplate } from "~/utils/templates/previews.server";

/**
 * POST /templates/previews with a `template` form field: that template's token for the signed-in
 * user's personal account and for each of their organizations (docs/template-studio.md). Only
 * where the studio edits templates: it makes sessions, which Clerk allows on development instances.
 */
export async function action(args: ActionFunctionArgs) {
  await requireSignedInPost(args);
  assertTemplateEditing();
  const { userId } = await getAuth(args, authOptions);
  if (!userId) throw unauthorized();
  const template = (await readForm(args.request)).get("template");
  if (typeof template !== "string" || !TEMPLATE_NAME_PATTERN.test(template)) {
    throw apiError(400, { message: "Send a template name in the template form field.", code: "invalid_template" });
  }
  const previews = await previewTemplate(userId, template).catch((error: unknown) => {
    throw templateApiErrorResponse(error);
  });
  return jsonResponse(previews, 200);
}

export function loader() {
  return apiError(405, { message: "POST a template form field.", code: "method_not_allowed" }, { Allow: "POST" });
}
