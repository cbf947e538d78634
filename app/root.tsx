import { ClerkApp, SignedIn, UserButton } from "@clerk/remix";
import { rootAuthLoader } from "@clerk/remix/ssr.server";
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, Links, Meta, Outlet, Scripts, ScrollRestoration, useLoaderData } from "@remix-run/react";
import { authOptions } from "~/clerk.server";
import { config } from "~/config.server";
import { useNonce } from "~/nonce";
import styles from "~/styles.css";

export const meta: MetaFunction = () => [{ title: "Clerk JWT template tokens in Remix" }];

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  // No icon file: without this, browsers ask for /favicon.ico and log its 404 as a console error.
  { rel: "icon", href: "data:," },
];

export const loader = (args: LoaderFunctionArgs) =>
  rootAuthLoader(args, () => ({ usesOfflineEmulator: config.usesOfflineEmulator }), {
    ...authOptions,
    signInUrl: "/sign-in",
    signUpUrl: "/sign-up",
  });

function App() {
  const { usesOfflineEmulator } = useLoaderData<typeof loader>();
  const nonce = useNonce();
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {usesOfflineEmulator && (
          <p className="emulator-banner" role="status">
            Offline emulator — not Clerk. Sign-ins and tokens here are local stand-ins.
          </p>
        )}
        <header className="site-header">
          <Link to="/" className="site-title">
            Clerk JWT template tokens
          </Link>
          <SignedIn>
            <UserButton />
          </SignedIn>
        </header>
        <main className="site-main">
          <Outlet />
        </main>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default ClerkApp(App);
