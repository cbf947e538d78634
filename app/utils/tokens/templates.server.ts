import { config } from "~/utils/config/config.server";
import { apiError } from "~/utils/http/responses.server";
import { templateApiErrorResponse } from "~/utils/templates/catalog.server";
import { allowedTemplateNames } from "~/utils/templates/instance-names.server";

/**
 * The template allowlist (CLERK_JWT_TEMPLATES, or with `*` the instance's
 * list as last read): a name that is not on it is answered 400 here and never
 * reaches Clerk (docs/decisions/006-template-allowlist.md, 020).
 */
export async function allowedTemplate(name: string | undefined): Promise<string> {
  const allowedTemplates = await allowedTemplateNames().catch((error: unknown) => {
    throw templateApiErrorResponse(error);
  });
  if (name !== undefined && allowedTemplates.includes(name)) return name;
  throw apiError(400, {
    message: `Ask for one template from the allowed list: ${allowedTemplates.join(", ")}.`,
    code: "template_not_allowed",
    allowedTemplates,
  });
}

/** The template a request asks for with `?template=`, or the configured default when it names none. */
export async function templateFromRequest(request: Request): Promise<string> {
  const requested = new URL(request.url).searchParams.getAll("template");
  if (requested.length === 0) return config.defaultTemplate;
  return allowedTemplate(requested.length === 1 ? requested[0] : undefined);
}
