import { getAuth } from "@clerk/remix/ssr.server";
import { authOptions } from "~/utils/clerk/client.server";
import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { TokenExplorer } from "~/components/TokenExplorer";
import { config } from "~/utils/config/config.server";
import { allowedTemplateNames } from "~/utils/templates/instance-names.server";
import tokenViewStyles from "~/token-view.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: tokenViewStyles }];

export async function loader(args: LoaderFunctionArgs) {
  const { userId } = await getAuth(args, authOptions);
  const templates = userId ? await allowedTemplateNames().catch(() => config.allowedTemplates) : [];
  // /templates links here with ?template=<name> to open that template's token.
  const requested = new URL(args.request.url).searchParams.get("template");
  return {
    signedIn: Boolean(userId),
    templates,
    defaultTemplate: requested !== null && templates.includes(requested) ? requested : config.defaultTemplate,
  };
}

export default function Index() {
  const { signedIn, templates, defaultTemplate } = useLoaderData<typeof loader>();
  if (!signedIn) return <SignedOutIntro />;
  return <TokenExplorer templates={templates} defaultTemplate={defaultTemplate} />;
}

function SignedOutIntro() {
  return (
    <section className="intro">
      <h1>Get a Clerk JWT template token on the server</h1>
      <p>
        This app shows the pattern from Clerk&apos;s <code>getToken()</code> reference, in Remix: a loader reads the
        signed-in session with <code>getAuth()</code> and asks Clerk&apos;s Backend API for a token made from a JWT
        template, at{" "}
        <code>
          GET /api/
          <wbr />
          get-token-example
        </code>
        .
      </p>
      <p>Sign in to fetch a token and see its header and claims decoded.</p>
      <p className="intro-actions">
        <Link className="button" to="/sign-in">
          Sign in
        </Link>
        <Link className="button button-secondary" to="/sign-up">
          Create an account
        </Link>
      </p>
    </section>
  );
}
