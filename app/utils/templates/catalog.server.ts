import type { JwtTemplate } from "@clerk/backend";
import { isClerkAPIResponseError } from "@clerk/remix/errors";
import { clerkClient } from "~/utils/clerk/client.server";
import { withinBudget } from "~/utils/clerk/budget.server";
import { config } from "~/utils/config/config.server";
import { ClerkTimeoutError } from "~/utils/clerk/errors.server";
import { apiError } from "~/utils/http/responses.server";
import type { TemplateSummary } from "~/templates/summary";

/** The most templates the Backend API returns in one page. */
const PAGE_SIZE = 500;

/** What the pages show of a template: never a signing key, which the API does not return anyway. */
function summaryOf(template: JwtTemplate): TemplateSummary {
  return {
    id: template.id,
    name: template.name,
    claims: template.claims as Record<string, unknown>,
    lifetime: template.lifetime,
    allowedClockSkew: template.allowedClockSkew,
    customSigningKey: template.customSigningKey,
    signingAlgorithm: template.signingAlgorithm,
  };
}

const withinClerkBudget = <T>(call: () => Promise<T>) => withinBudget(call, config.apiTimeoutMs);

/** Every JWT template the instance has (`GET /v1/jwt_templates`), page by page. */
export async function listInstanceTemplates(): Promise<TemplateSummary[]> {
  const templates: TemplateSummary[] = [];
  for (;;) {
    const page = await withinClerkBudget(() =>
      clerkClient.jwtTemplates.list({ limit: PAGE_SIZE, offset: templates.length }),
    );
    templates.push(...page.data.map(summaryOf));
    if (page.data.length === 0 || templates.length >= page.totalCount) return templates;
  }
}

export async function getInstanceTemplate(templateId: string): Promise<TemplateSummary> {
  return summaryOf(await withinClerkBudget(() => clerkClient.jwtTemplates.get(templateId)));
}

export type TemplateFields = {
  name: string;
  claims: Record<string, unknown>;
  lifetime: number;
  allowedClockSkew: number;
};

/** `POST /v1/jwt_templates`, or `PATCH /v1/jwt_templates/{id}` when an id is given. */
export async function saveInstanceTemplate(fields: TemplateFields, templateId?: string): Promise<TemplateSummary> {
  const saved = await withinClerkBudget(() =>
    templateId === undefined
      ? clerkClient.jwtTemplates.create(fields)
      : clerkClient.jwtTemplates.update({ ...fields, templateId }),
  );
  return summaryOf(saved);
}

/**
 * Turns a failed template call into a deliberate JSON answer: Clerk's own
 * words for what it refused (a taken name, a bad claim), 502/504 otherwise.
 */
export function templateApiErrorResponse(error: unknown): Response {
  if (error instanceof ClerkTimeoutError) {
    return apiError(504, { message: "Clerk took too long to answer. Try again shortly.", code: "clerk_timeout" });
  }
  if (isClerkAPIResponseError(error) && error.status >= 400 && error.status < 500 && error.status !== 401) {
    const [first] = error.errors;
    return apiError(error.status === 404 ? 404 : 422, {
      message: first?.longMessage ?? first?.message ?? "Clerk refused the template.",
      code: first?.code ?? "template_refused",
      ...(first?.meta?.paramName && { field: first.meta.paramName }),
    });
  }
  console.error(`[templates] Clerk call failed: ${error instanceof Error ? error.name : typeof error}`);
  return apiError(502, {
    message: "Clerk could not be reached or gave an unusable answer. Try again shortly.",
    code: "clerk_unavailable",
  });
}
