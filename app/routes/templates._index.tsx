import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { RouteErrorBox } from "~/components/RouteErrorBox";
import { config } from "~/utils/config/config.server";
import studioStyles from "~/studio.css";
import { listInstanceTemplates, templateApiErrorResponse } from "~/utils/templates/catalog.server";
import { requireSignedInPage } from "~/utils/templates/access.server";
import type { TemplateSummary } from "~/templates/summary";

export const meta: MetaFunction = () => [{ title: "JWT templates" }];
export const links: LinksFunction = () => [{ rel: "stylesheet", href: studioStyles }];

// GET /templates: the instance's JWT templates, from the Backend API (`GET /v1/jwt_templates`).
export async function loader(args: LoaderFunctionArgs) {
  await requireSignedInPage(args);
  const templates = await listInstanceTemplates().catch((error: unknown) => {
    throw templateApiErrorResponse(error);
  });
  return { templates, editing: config.templateEditing };
}

function TemplateCard({ template, editing }: { template: TemplateSummary; editing: boolean }) {
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
        <Link className="button" to={`/?template=${encodeURIComponent(template.name)}`}>
          Get its token
        </Link>
        {editing && !template.customSigningKey && (
          <Link className="button button-secondary" to={`/templates/${template.id}`}>
            Edit <span className="visually-hidden">{template.name}</span>
          </Link>
        )}
      </p>
    </li>
  );
}

export default function Templates() {
  const { templates, editing } = useLoaderData<typeof loader>();
  return (
    <section>
      <h1>JWT templates</h1>
      <p>
        The templates this Clerk instance has. Each one&apos;s token is a click away in the explorer.
        {!editing &&
          " Editing is off: it is on with the offline emulator, or with sk_test_ keys and TEMPLATE_EDITING=on."}
      </p>
      {editing && (
        <p>
          <Link className="button" to="/templates/new">
            New template
          </Link>
        </p>
      )}
      {templates.length === 0 ? (
        <p>This instance has no JWT templates yet.</p>
      ) : (
        <ul className="template-list">
          {templates.map((template) => (
            <TemplateCard key={template.id} template={template} editing={editing} />
          ))}
        </ul>
      )}
    </section>
  );
}

export function ErrorBoundary() {
  return <RouteErrorBox back={{ to: "/", label: "Back to the token explorer" }} />;
}
