import { getAuth } from "@clerk/remix/ssr.server";
import { authOptions } from "~/utils/clerk/client.server";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { isRouteErrorResponse, Link, useLoaderData, useRouteError } from "@remix-run/react";
import { DecodedToken } from "~/components/DecodedToken";
import { clerkClient } from "~/utils/clerk/client.server";
import { allowedTemplate } from "~/utils/tokens/templates.server";
import { reuseTemplateToken } from "~/utils/tokens/reuse.server";

export const meta: MetaFunction<typeof loader> = ({ params }) => [{ title: `Token from “${params.template}”` }];

// The same four steps as /api/get-token-example, in a page loader: the server renders the token.
// https://clerk.com/docs/references/backend/sessions/get-token
export async function loader(args: LoaderFunctionArgs) {
  // 1. The signed-in session.
  const { sessionId, userId, orgId, orgRole } = await getAuth(args, authOptions);

  // 2. Nobody is signed in: to the sign-in page, and back here afterwards.
  if (!sessionId) {
    const here = new URL(args.request.url);
    throw redirect(`/sign-in?redirect_url=${encodeURIComponent(here.pathname + here.search)}`);
  }

  // 3. Clerk mints a token from the allowed template, through the same reuse, budget and error answers.
  const template = allowedTemplate(args.params.template);
  const { token } = await reuseTemplateToken({ sessionId, userId, orgId, orgRole, template, fresh: false }, () =>
    clerkClient.sessions.getToken(sessionId, template),
  );

  // 4. What the page renders.
  return { template, jwt: token.jwt };
}

export default function TemplateTokenPage() {
  const { template, jwt } = useLoaderData<typeof loader>();
  return (
    <section>
      <h1>
        Token from the <code>{template}</code> template
      </h1>
      <p>This page&apos;s loader fetched the token and the server rendered it. Reload for the current token.</p>
      <DecodedToken jwt={jwt} />
      <p>
        <Link to="/">Back to the token explorer</Link>
      </p>
    </section>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const body = isRouteErrorResponse(error) ? (error.data as { message?: string; code?: string }) : undefined;
  return (
    <section className="error-box" role="alert">
      <h1>{isRouteErrorResponse(error) ? `HTTP ${error.status}` : "Something went wrong"}</h1>
      {body?.code && <code>{body.code}</code>}
      <p>{body?.message ?? "The token could not be retrieved."}</p>
      <p>
        <Link to="/">Back to the token explorer</Link>
      </p>
    </section>
  );
}
