import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { RouteErrorBox } from "~/components/RouteErrorBox";
import { TemplateStudio } from "~/components/TemplateStudio";
import { readForm } from "~/utils/http/form.server";
import { apiError, jsonResponse } from "~/utils/http/responses.server";
import studioStyles from "~/studio.css";
import tokenViewStyles from "~/token-view.css";
import { refreshTemplateNames } from "~/utils/templates/instance-names.server";
import { getInstanceTemplate, saveInstanceTemplate, templateApiErrorResponse } from "~/utils/templates/catalog.server";
import {
  assertStudioMayWrite,
  assertTemplateEditor,
  requireSignedInPage,
  requireSignedInPost,
} from "~/utils/templates/access.server";
import { parseTemplateForm } from "~/utils/templates/form.server";

export const meta: MetaFunction = () => [{ title: "Template studio" }];
export const links: LinksFunction = () => [
  { rel: "stylesheet", href: tokenViewStyles },
  { rel: "stylesheet", href: studioStyles },
];

/** `/templates/new` creates; any other id is a template's id, which Clerk makes of letters, digits and `_`. */
const NEW = "new";
const TEMPLATE_ID_PATTERN = /^[A-Za-z0-9_]{1,64}$/;

const STARTER = {
  name: "",
  claims: { email: "{{user.primary_email_address}}", name: "{{user.full_name || 'anonymous'}}" },
  lifetime: 60,
  allowedClockSkew: 5,
};

function templateIdOf(param: string | undefined): string | undefined {
  if (param === NEW) return undefined;
  if (param !== undefined && TEMPLATE_ID_PATTERN.test(param)) return param;
  throw apiError(404, { message: "There is no template at this address.", code: "template_not_found" });
}

const readTemplate = (templateId: string) =>
  getInstanceTemplate(templateId).catch((error: unknown) => {
    throw templateApiErrorResponse(error);
  });

// GET /templates/new, /templates/:id: the studio (its form and its export), for template editors only.
export async function loader(args: LoaderFunctionArgs) {
  await assertTemplateEditor(await requireSignedInPage(args));
  const templateId = templateIdOf(args.params.templateId);
  if (templateId === undefined) return { template: { ...STARTER, id: undefined } };
  const template = await readTemplate(templateId);
  assertStudioMayWrite(template);
  return { template };
}

// POST: creates or updates the template through the Backend API, then lets the token route allow it.
export async function action(args: ActionFunctionArgs) {
  await assertTemplateEditor(await requireSignedInPost(args));
  const templateId = templateIdOf(args.params.templateId);
  const parsed = parseTemplateForm(await readForm(args.request));
  if ("findings" in parsed) {
    const message = parsed.findings.map((finding) => finding.message).join(" ");
    return apiError(400, { message, code: "invalid_template", findings: parsed.findings });
  }
  // Whatever the form says, a template with its own signing key is not the studio's to change.
  if (templateId !== undefined) assertStudioMayWrite(await readTemplate(templateId));
  try {
    const saved = await saveInstanceTemplate(parsed.fields, templateId);
    await refreshTemplateNames();
    return jsonResponse({ saved }, 200);
  } catch (error) {
    return templateApiErrorResponse(error);
  }
}

export default function TemplateStudioPage() {
  const { template } = useLoaderData<typeof loader>();
  return <TemplateStudio initial={template} />;
}

export function ErrorBoundary() {
  return <RouteErrorBox back={{ to: "/templates", label: "Back to the templates" }} />;
}
