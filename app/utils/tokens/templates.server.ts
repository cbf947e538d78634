import { config } from "~/utils/config/config.server";
import { apiError } from "~/utils/http/responses.server";

/**
 * The template allowlist (CLERK_JWT_TEMPLATES): a name that is not on it is
 * answered 400 here and never reaches Clerk (docs/decisions/006-template-allowlist.md).
 */
export function allowedTemplate(name: string | undefined): string {
  if (name !== undefined && config.allowedTemplates.includes(name)) return name;
  throw apiError(400, {
    message: `Ask for one template from the allowed list: ${config.allowedTemplates.join(", ")}.`,
    code: "template_not_allowed",
    allowedTemplates: config.allowedTemplates,
  });
}

/** The template a request asks for with `?template=`, or the configured default when it names none. */
export function templateFromRequest(request: Request): string {
  const requested = new URL(request.url).searchParams.getAll("template");
  if (requested.length === 0) return config.defaultTemplate;
  return allowedTemplate(requested.length === 1 ? requested[0] : undefined);
}
