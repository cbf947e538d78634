import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { RouteErrorBox } from "~/components/RouteErrorBox";
import { config } from "~/utils/config/config.server";
import studioStyles from "~/studio.css";
import { listInstanceTemplates, templateApiErrorResponse } from "~/utils/templates/catalog.server";
import { allowedTemplateNames } from "~/utils/templates/instance-names.server";
import { mayEditTemplates, requireSignedInPage, templateEditorsInWords } from "~/utils/templates/access.server";
import type { TemplateSummary } from "~/templates/summary";

export const meta: MetaFunction = () => [{ title: "JWT templates" }];
export const links: LinksFunction = () => [{ rel: "stylesheet", href: studioStyles }];

// GET /templates: for template editors, the instance's JWT templates from the Backend API
// (`GET /v1/jwt_templates`); for everyone else, only the names the token route serves, and no claims.
export async function loader(args: LoaderFunctionArgs) {
  const signedIn = await requireSignedInPage(args);
  if (!(await mayEditTemplates(signedIn))) {
    const names = await allowedTemplateNames().catch((error: unknown) => {
      throw templateApiErrorResponse(error);
    });
    const editors = config.templateEditing ? templateEditorsInWords() : "";
    return { access: "reader" as const, editingOff: config.templateEditingOffReason, editors, names };
  }
  const templates = await listInstanceTemplates().catch((error: unknown) => {
    throw templateApiErrorResponse(error);
  });
  return { access: "editor" as const, editingOff: undefined, templates };
}

function TokenLink({ name }: { name: string }) {
  return (
    <Link className="button" to={`/?template=${encodeURIComponent(name)}`}>
      Get its token
    </Link>
  );
}

function TemplateCard({ template }: { template: TemplateSummary }) {
  return (
    <li className="template-card" data-template={template.name}>
      <h2>
        <code>{template.name}</code>
      </h2>
      <dl className="template-facts">
        <div>
          <dt>Lifetime</dt>
          <dd>{template.lifetime} s</dd>
        </div>
        <div>
          <dt>Clock skew</dt>
          <dd>{template.allowedClockSkew} s</dd>
        </div>
        <div>
          <dt>Signed</dt>
          <dd>
            {template.signingAlgorithm} {template.customSigningKey ? "with its own key" : "with the instance key"}
          </dd>
        </div>
      </dl>
      <pre>{JSON.stringify(template.claims, null, 2)}</pre>
      <p className="actions">
        <TokenLink name={template.name} />
        {template.customSigningKey ? (
          <span className="field-hint">Not editable here: the studio does not write templates with their own key.</span>
        ) : (
          <Link className="button button-secondary" to={`/templates/${template.id}`}>
            Edit <span className="visually-hidden">{template.name}</span>
          </Link>
        )}
      </p>
    </li>
  );
}

function WhoMayEdit({ editingOff, editors }: { editingOff: string | undefined; editors: string }) {
  if (editingOff) {
    return <p data-testid="who-may-edit">{editingOff} This list shows the templates the token route serves you.</p>;
  }
  const line =
    `Only template editors may create, edit or export templates: ${editors}. ` +
    "You are not one of them, so there is no Edit button, and this list shows only the templates the token route serves you.";
  return <p data-testid="who-may-edit">{line}</p>;
}

export default function Templates() {
  const page = useLoaderData<typeof loader>();
  if (page.access === "reader") {
    return (
      <section>
        <h1>JWT templates</h1>
        <WhoMayEdit editingOff={page.editingOff} editors={page.editors} />
        <ul className="template-list">
          {page.names.map((name) => (
            <li key={name} className="template-card" data-template={name}>
              <h2>
                <code>{name}</code>
              </h2>
              <p className="actions">
                <TokenLink name={name} />
              </p>
            </li>
          ))}
        </ul>
      </section>
    );
  }
  return (
    <section>
      <h1>JWT templates</h1>
      <p data-testid="who-may-edit">
        The templates this Clerk instance has. Each one&apos;s token is a click away in the explorer. You may create and
        edit them: you are a template editor here.
      </p>
      <p>
        <Link className="button" to="/templates/new">
          New template
        </Link>
      </p>
      {page.templates.length === 0 ? (
        <p>This instance has no JWT templates yet.</p>
      ) : (
        <ul className="template-list">
          {page.templates.map((template) => (
            <TemplateCard key={template.id} template={template} />
          ))}
        </ul>
      )}
    </section>
  );
}

export function ErrorBoundary() {
  return <RouteErrorBox back={{ to: "/", label: "Back to the token explorer" }} />;
}
