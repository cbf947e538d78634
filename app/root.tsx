import { ClerkApp, SignedIn, UserButton } from "@clerk/remix";
import { rootAuthLoader } from "@clerk/remix/ssr.server";
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  isRouteErrorResponse,
  Link,
  Links,
  LiveReload,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { HeaderOrganizationSwitcher } from "~/components/HeaderOrganizationSwitcher";
import { authOptions } from "~/utils/clerk/client.server";
import { config } from "~/utils/config/config.server";
import { useNonce } from "~/nonce";
import styles from "~/styles.css";
import { clerkAppearance, themeCssVariables } from "~/theme";

export const meta: MetaFunction = () => [{ title: "Clerk JWT template tokens in Remix" }];

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export const loader = (args: LoaderFunctionArgs) =>
  rootAuthLoader(
    args,
    () => ({
      usesOfflineEmulator: config.usesOfflineEmulator,
      offlineSignInHint: config.offlineSignInHint,
      // `npm run dev` reloads open pages after each rebuild, through the app's own port (server/dev-reload.ts).
      liveReloadPort: process.env.NODE_ENV === "development" ? config.port : undefined,
    }),
    {
      ...authOptions,
      signInUrl: "/sign-in",
      signUpUrl: "/sign-up",
    },
  );

/** The document around every page and the error boundary, with the CSP nonce on every script. */
export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  // Absent when the root loader itself failed.
  const root = useRouteLoaderData<typeof loader>("root");
  return (
    <html lang="en" style={themeCssVariables}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {root?.usesOfflineEmulator && (
          <p className="emulator-banner" role="status">
            Offline emulator — not Clerk. Sign-ins and tokens here are local stand-ins.
            {root.offlineSignInHint && <span className="emulator-hint">{root.offlineSignInHint}</span>}
          </p>
        )}
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
        {root?.liveReloadPort && <LiveReload nonce={nonce} port={root.liveReloadPort} />}
      </body>
    </html>
  );
}

function SiteTitle() {
  return (
    <Link to="/" className="site-title">
      Clerk JWT template tokens
    </Link>
  );
}

function App() {
  return (
    <>
      <header className="site-header">
        <SiteTitle />
        <SignedIn>
          <HeaderOrganizationSwitcher />
          <UserButton />
        </SignedIn>
      </header>
      <main className="site-main">
        <Outlet />
      </main>
    </>
  );
}

export default ClerkApp(App, { appearance: clerkAppearance });

/** Unknown pages (404), unsupported methods (405) and failures: outside Clerk's provider, so no UserButton. */
export function ErrorBoundary() {
  const error = useRouteError();
  const title = isRouteErrorResponse(error) ? `HTTP ${error.status}` : "Something went wrong";
  const explanation = isRouteErrorResponse(error) && error.status === 404 ? "There is no page here." : undefined;
  return (
    <>
      <header className="site-header">
        <SiteTitle />
      </header>
      <main className="site-main">
        <section className="error-box" role="alert">
          <h1>{title}</h1>
          {explanation && <p>{explanation}</p>}
          <p>
            <Link to="/">Back to the token explorer</Link>
          </p>
        </section>
      </main>
    </>
  );
}
