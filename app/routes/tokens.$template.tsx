import { getAuth } from "@clerk/remix/ssr.server";
import { authOptions } from "~/utils/clerk/client.server";
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { DecodedToken } from "~/components/DecodedToken";
import { MintedFor } from "~/components/MintedFor";
import { RouteErrorBox } from "~/components/RouteErrorBox";
import { tokenOrganizationOf } from "~/explorer/token-organization";
import studioStyles from "~/studio.css";
import { clerkClient } from "~/utils/clerk/client.server";
import { allowedTemplate } from "~/utils/tokens/templates.server";
import { reuseTemplateToken } from "~/utils/tokens/reuse.server";
import { checkSignature } from "~/utils/tokens/signature.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: studioStyles }];

export const meta: MetaFunction<typeof loader> = ({ params }) => [{ title: `Token from “${params.template}”` }];

// The same four steps as /api/get-token-example, in a page loader: the server renders the token.
// https://clerk.com/docs/references/backend/sessions/get-token
export async function loader(args: LoaderFunctionArgs) {
  // 1. The signed-in session.
  const { sessionId, userId, orgId, orgRole, orgSlug } = await getAuth(args, authOptions);

  // 2. Nobody is signed in: to the sign-in page, and back here afterwards.
  if (!sessionId) {
    const here = new URL(args.request.url);
    throw redirect(`/sign-in?redirect_url=${encodeURIComponent(here.pathname + here.search)}`);
  }

  // 3. Clerk mints a token from the allowed template, through the same reuse, budget and error answers.
  const template = await allowedTemplate(args.params.template);
  const { token } = await reuseTemplateToken({ sessionId, userId, orgId, orgRole, template, fresh: false }, () =>
    clerkClient.sessions.getToken(sessionId, template),
  );

  // 4. What the page renders, with whether the token verifies against the instance's public keys
  //    and which organization it was minted for.
  const organization = tokenOrganizationOf({ orgId, orgSlug, orgRole });
  return { template, jwt: token.jwt, signature: await checkSignature(token.jwt), organization };
}

export default function TemplateTokenPage() {
  const { template, jwt, signature, organization } = useLoaderData<typeof loader>();
  return (
    <section className="wide-page">
      <h1>
        Token from the <code>{template}</code> template
      </h1>
      <p>This page&apos;s loader fetched the token and the server rendered it. Reload for the current token.</p>
      <MintedFor organization={organization} />
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
