import { Hono, type Context } from "hono";
import type { EmulatorContext } from "../../context";
import { formError, invalidParam, missingParam } from "../../http";
import type { ClientRecord } from "../../store/clients";
import { signWithInstanceKey, TOKEN_CATEGORY } from "../../tokens/signing";
import {
  HANDSHAKE_COOKIE,
  HANDSHAKE_NONCE_COOKIE,
  SESSION_COOKIE,
  clientUatCookies,
  devBrowserCookies,
  expireCookie,
  handshakeCookie,
  setCookie,
  withCookies,
} from "./cookies";
import { clientOfDevBrowser, DEV_BROWSER_PARAM, newDevBrowser } from "./dev-browser";
import { activeSessionOf, clientUat, currentClient, currentSessionToken } from "./envelope";

// `GET /v1/client/handshake`: when the app's server cannot tell from the cookies whether a page
// load is signed in (e.g. `__session` expired), @clerk/backend redirects the browser here. The
// Frontend API finds the browser's client and redirects back to `redirect_url` with the app's
// new cookies in a handshake token, which @clerk/backend verifies and applies. A production
// instance knows the browser by its `__client` cookie and hands the token over in a cookie; a
// development instance knows it by its dev browser and hands both over in the URL, as cookies
// cannot cross from the Frontend API's site to the app's.

// Clerk hands payloads larger than this over by nonce when the backend accepts `format=nonce`,
// keeping the cookie well under the browser's 4 KB limit.
const MAX_HANDSHAKE_TOKEN_LENGTH = 2048;

/** The `Set-Cookie` values the app's response will carry: fresh session cookies, or signed-out ones. */
async function handshakeDirectives(context: EmulatorContext, client: ClientRecord | undefined): Promise<string[]> {
  const session = client && activeSessionOf(context.store, client);
  const token = session ? await currentSessionToken(context, session) : undefined;
  const sessionCookies = [SESSION_COOKIE, `${SESSION_COOKIE}${context.cookieSuffix}`];
  const { cookieScope: scope } = context;
  return [
    // Spent once applied, or every later page load would resolve the same stale payload again.
    expireCookie(HANDSHAKE_COOKIE, scope),
    expireCookie(HANDSHAKE_NONCE_COOKIE, scope),
    ...clientUatCookies(clientUat(context.store, client), context.cookieSuffix, scope),
    ...sessionCookies.map((name) => (token ? setCookie(name, token) : expireCookie(name))),
  ];
}

/** Why `redirect_url` may not be followed with the app's cookies, if it may not. */
function redirectUrlProblem(c: Context, context: EmulatorContext, redirectUrl: string): Response | undefined {
  // Unlike Clerk, http is fine: the app runs on http://localhost.
  if (!URL.canParse(redirectUrl) || !/^https?:$/.test(new URL(redirectUrl).protocol)) {
    return formError("form_param_format_invalid", "redirect_url", "is invalid", "redirect_url must be an http(s) URL.");
  }
  const target = new URL(redirectUrl);
  // Back to the app only, never elsewhere with the app's cookies: its proxy names its origin…
  const proxyUrl = c.req.header("Clerk-Proxy-Url");
  if (proxyUrl && URL.canParse(proxyUrl) && new URL(proxyUrl).origin !== target.origin) {
    return invalidParam("redirect_url", "redirect_url must be on the app's origin.");
  }
  // …and a production instance on clerk.<site> serves that site alone.
  const site = context.cookieScope.domain;
  if (site && target.hostname !== site && !target.hostname.endsWith(`.${site}`)) {
    return invalidParam("redirect_url", `redirect_url must be on ${site}.`);
  }
  return undefined;
}

/** The handshake result in a token, or by nonce when it is too large and the backend accepts that. */
async function handshakeResult(c: Context, context: EmulatorContext, directives: string[]) {
  // Handshake tokens carry the session token's category, as Clerk mints them.
  const token = await signWithInstanceKey({ handshake: directives }, context.issuer, TOKEN_CATEGORY.sessionToken);
  return c.req.query("format") === "nonce" && token.length > MAX_HANDSHAKE_TOKEN_LENGTH
    ? {
        name: HANDSHAKE_NONCE_COOKIE as typeof HANDSHAKE_NONCE_COOKIE,
        value: context.store.handshakePayloads.save(directives),
      }
    : { name: HANDSHAKE_COOKIE as typeof HANDSHAKE_COOKIE, value: token };
}

function redirectTo(location: string): Response {
  return new Response(null, { status: 307, headers: { Location: location, "Cache-Control": "no-store" } });
}

export function handshakeRoutes(context: EmulatorContext): Hono {
  return new Hono().get("/", async (c) => {
    const redirectUrl = c.req.query("redirect_url");
    if (!redirectUrl) return missingParam("redirect_url");
    const problem = redirectUrlProblem(c, context, redirectUrl);
    if (problem) return problem;

    if (context.instanceKind === "production") {
      const directives = await handshakeDirectives(context, currentClient(c, context.store));
      const result = await handshakeResult(c, context, directives);
      return withCookies(redirectTo(redirectUrl), [handshakeCookie(result.name, result.value, context.cookieScope)]);
    }
    // A browser without a (known) dev browser gets a new one, signed out.
    const devBrowserJwt = c.req.query(DEV_BROWSER_PARAM);
    const client = await clientOfDevBrowser(context, devBrowserJwt);
    const devBrowser = client && devBrowserJwt ? { client, jwt: devBrowserJwt } : await newDevBrowser(context);
    const directives = [
      ...devBrowserCookies(devBrowser.jwt, context.cookieSuffix),
      ...(await handshakeDirectives(context, devBrowser.client)),
    ];
    const result = await handshakeResult(c, context, directives);
    const back = new URL(redirectUrl);
    back.searchParams.set(result.name, result.value);
    back.searchParams.set(DEV_BROWSER_PARAM, devBrowser.jwt);
    return redirectTo(back.href);
  });
}
