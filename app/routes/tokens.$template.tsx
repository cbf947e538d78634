import { getAuth } from "@clerk/remix/ssr.server";
import { authOptions } from "~/utils/clerk/client.server";
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useLoaderData, useParams } from "@remix-run/react";
import { DecodedToken } from "~/components/DecodedToken";
import { MintedFor } from "~/components/MintedFor";
import { RouteErrorBox, useRouteErrorBody } from "~/components/RouteErrorBox";
import { tokenOrganizationOf } from "~/explorer/token-organization";
import tokenViewStyles from "~/token-view.css";
import { clerkClient } from "~/utils/clerk/client.server";
import { allowedTemplate } from "~/utils/tokens/templates.server";
import { reuseTemplateToken } from "~/utils/tokens/reuse.server";
import { checkSignature } from "~/utils/tokens/signature.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: tokenViewStyles }];

/** `/tokens/:template?fresh`: a newly minted token instead of the one the server is reusing. */
const FRESH = "fresh";

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

  // 3. Clerk mints a token from the allowed template, through the same reuse, budget and error answers;
  //    `?fresh` asks Clerk again, like `Cache-Control: no-cache` on the token route.
  const template = await allowedTemplate(args.params.template);
  const fresh = new URL(args.request.url).searchParams.has(FRESH);
  const { token, reused } = await reuseTemplateToken({ sessionId, userId, orgId, orgRole, template, fresh }, () =>
    clerkClient.sessions.getToken(sessionId, template),
  );

  // 4. What the page renders, with whether the token verifies against the instance's public keys
  //    and which organization it was minted for.
  const organization = tokenOrganizationOf({ orgId, orgSlug, orgRole });
  return { template, jwt: token.jwt, reused, signature: await checkSignature(token.jwt), organization };
}

export default function TemplateTokenPage() {
  const { template, jwt, reused, signature, organization } = useLoaderData<typeof loader>();
  return (
    <section>
      <h1>
        Token from the <code>{template}</code> template
      </h1>
      <p>
        This page&apos;s loader got the token and the server rendered it.{" "}
        {reused
          ? "It is a token Clerk minted for this session earlier, which the server reuses while most of its " +
            "lifetime is left: reloading shows this same token until then."
          : "Clerk minted it for this request."}{" "}
        <Link to={`?${FRESH}`} data-testid="fresh-token">
          Get a newly minted token
        </Link>
      </p>
      <MintedFor organization={organization} />
      <DecodedToken jwt={jwt} signature={signature} />
      <p>
        <Link to="/">Back to the token explorer</Link>
      </p>
    </section>
  );
}

/** A template outside the allowlist (400): its name in the headline, and the allowed ones to pick from. */
export function ErrorBoundary() {
  const { template } = useParams();
  const { body } = useRouteErrorBody();
  const back = { to: "/", label: "Back to the token explorer" };
  const allowed = body?.code === "template_not_allowed" && Array.isArray(body.allowedTemplates);
  if (!allowed) return <RouteErrorBox back={back} />;
  return (
    <RouteErrorBox
      back={back}
      headline={
        <>
          No token from <code>{template}</code>: it is not an allowed template
        </>
      }
    >
      <nav aria-label="Allowed templates">
        <ul className="link-list">
          {(body.allowedTemplates as string[]).map((name) => (
            <li key={name}>
              <Link to={`/tokens/${encodeURIComponent(name)}`}>{name}</Link>
            </li>
          ))}
        </ul>
      </nav>
    </RouteErrorBox>
  );
}
