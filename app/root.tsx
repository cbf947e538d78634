import { ClerkApp, ClerkProvider } from "@clerk/remix";
import { rootAuthLoader } from "@clerk/remix/ssr.server";
import type { LinksFunction, LoaderFunctionArgs, MetaFunction, SerializeFrom } from "@remix-run/node";
import {
  Links,
  LiveReload,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
  useRouteLoaderData,
} from "@remix-run/react";
import type { ComponentProps, ReactNode } from "react";
import { OfflineBanner } from "~/components/OfflineBanner";
import { RouteErrorBox } from "~/components/RouteErrorBox";
import { SiteHeader } from "~/components/SiteHeader";
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
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
        {root?.liveReloadPort && <LiveReload nonce={nonce} port={root.liveReloadPort} />}
      </body>
    </html>
  );
}

type RootData = SerializeFrom<typeof loader> & { clerkState?: ComponentProps<typeof ClerkProvider>["clerkState"] };

/** The banner (offline), the header and the one content width, around every page and error page. */
function SiteChrome({ root, children }: { root: RootData; children: ReactNode }) {
  return (
    <>
      {root.usesOfflineEmulator && <OfflineBanner signInHint={root.offlineSignInHint} />}
      <SiteHeader />
      <main className="site-width site-main">{children}</main>
    </>
  );
}

function App() {
  return (
    <SiteChrome root={useLoaderData<typeof loader>()}>
      <Outlet />
    </SiteChrome>
  );
}

export default ClerkApp(App, { appearance: clerkAppearance });

/**
 * Failures that no route's own boundary caught (a 405, an error in a page): inside Clerk's provider,
 * like every page, when the root loader ran; without it, and so without the user button, when that
 * loader itself failed. Unknown paths are routes/$.tsx's 404, inside the app.
 */
export function ErrorBoundary() {
  const root = useRouteLoaderData<typeof loader>("root") as RootData | undefined;
  const back = <RouteErrorBox back={{ to: "/", label: "Back to the token explorer" }} />;
  if (!root?.clerkState) {
    return (
      <>
        <SiteHeader withClerk={false} />
        <main className="site-width site-main">{back}</main>
      </>
    );
  }
  return (
    <ClerkProvider clerkState={root.clerkState} appearance={clerkAppearance}>
      <SiteChrome root={root}>{back}</SiteChrome>
    </ClerkProvider>
  );
}
