import { getAuth } from "@clerk/remix/ssr.server";
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { DecodedToken } from "~/components/DecodedToken";
import { RouteErrorBox } from "~/components/RouteErrorBox";
import { checkSignature } from "~/explorer/signature.server";
import { allowedTemplate, getTemplateToken } from "~/token.server";
import studioStyles from "~/studio.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: studioStyles }];

export const meta: MetaFunction<typeof loader> = ({ params }) => [{ title: `Token from “${params.template}”` }];

// The same retrieval as the resource route, in a page loader: the token is rendered on the server.
export async function loader(args: LoaderFunctionArgs) {
  const { sessionId } = await getAuth(args);
  if (!sessionId) {
    const here = new URL(args.request.url);
    throw redirect(`/sign-in?redirect_url=${encodeURIComponent(here.pathname + here.search)}`);
  }

  const template = await allowedTemplate(args.params.template);
  const { token } = await getTemplateToken(sessionId, template, { fresh: false });
  return { template, jwt: token.jwt, signature: await checkSignature(token.jwt) };
}

export default function TemplateTokenPage() {
  const { template, jwt, signature } = useLoaderData<typeof loader>();
  return (
    <section className="wide-page">
      <h1>
        Token from the <code>{template}</code> template
      </h1>
      <p>This page&apos;s loader fetched the token and the server rendered it. Reload for the current token.</p>
      <DecodedToken jwt={jwt} signature={signature} />
      <p>
        <Link to="/">Back to the token explorer</Link>
      </p>
    </section>
  );
}

export function ErrorBoundary() {
  return <RouteErrorBox back={{ to: "/", label: "Back to the token explorer" }} />;
}
