import { getAuth } from "@clerk/remix/ssr.server";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { isRouteErrorResponse, Link, useLoaderData, useRouteError } from "@remix-run/react";
import { DecodedToken } from "~/components/DecodedToken";
import { allowedTemplate, getTemplateToken } from "~/token.server";

export const meta: MetaFunction<typeof loader> = ({ params }) => [{ title: `Token from “${params.template}”` }];

// The same retrieval as the resource route, in a page loader: the token is rendered on the server.
export async function loader(args: LoaderFunctionArgs) {
  const { sessionId, userId } = await getAuth(args);
  if (!sessionId || !userId) {
    const here = new URL(args.request.url);
    throw redirect(`/sign-in?redirect_url=${encodeURIComponent(here.pathname + here.search)}`);
  }

  const template = allowedTemplate(args.params.template);
  const { token } = await getTemplateToken({ sessionId, userId }, template, { fresh: false });
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
