import { Hono } from "hono";
import type { EmulatorContext } from "../../context";
import { formError, invalidParam, missingParam } from "../../http";
import type { ClientRecord } from "../../store/clients";
import { signWithInstanceKey } from "../../tokens/signing";
import {
  HANDSHAKE_COOKIE,
  HANDSHAKE_NONCE_COOKIE,
  SESSION_COOKIE,
  clientUatCookies,
  expireCookie,
  handshakeCookie,
  setCookie,
  withCookies,
} from "./cookies";
import { activeSessionOf, clientUat, currentClient, sessionToken } from "./envelope";

// `GET /v1/client/handshake`: when the app's server cannot tell from the cookies whether a page
// load is signed in (e.g. `__session` expired), @clerk/backend redirects the browser here. The
// Frontend API reads the browser's `__client` cookie and redirects back to `redirect_url` with
// the app's new cookies in a handshake cookie, which @clerk/backend verifies and applies.

// Clerk hands payloads larger than this over by nonce when the backend accepts `format=nonce`,
// keeping the cookie well under the browser's 4 KB limit.
const MAX_HANDSHAKE_TOKEN_LENGTH = 2048;

/** The `Set-Cookie` values the app's response will carry: fresh session cookies, or signed-out ones. */
async function handshakeDirectives(context: EmulatorContext, client: ClientRecord | undefined): Promise<string[]> {
  const session = client && activeSessionOf(context.store, client);
  const token = session ? await sessionToken(context, session) : undefined;
  const sessionCookies = [SESSION_COOKIE, `${SESSION_COOKIE}${context.cookieSuffix}`];
  return [
    // Spent once applied, or every later page load would resolve the same stale payload again.
    expireCookie(HANDSHAKE_COOKIE),
    expireCookie(HANDSHAKE_NONCE_COOKIE),
    ...clientUatCookies(clientUat(context.store, client), context.cookieSuffix),
    ...sessionCookies.map((name) => (token ? setCookie(name, token) : expireCookie(name))),
  ];
}

export function handshakeRoutes(context: EmulatorContext): Hono {
  const { store } = context;
  return new Hono().get("/", async (c) => {
    const redirectUrl = c.req.query("redirect_url");
    if (!redirectUrl) return missingParam("redirect_url");
    // Unlike Clerk, http is fine: the app runs on http://localhost.
    if (!URL.canParse(redirectUrl) || !/^https?:$/.test(new URL(redirectUrl).protocol)) {
      return formError(
        "form_param_format_invalid",
        "redirect_url",
        "is invalid",
        "redirect_url must be an http(s) URL.",
      );
    }
    // Back to the app only, never elsewhere with the app's cookies: its proxy names its origin.
    const proxyUrl = c.req.header("Clerk-Proxy-Url");
    if (proxyUrl && URL.canParse(proxyUrl) && new URL(proxyUrl).origin !== new URL(redirectUrl).origin) {
      const longMessage = "redirect_url must be on the app's origin.";
      return invalidParam("redirect_url", longMessage);
    }

    const directives = await handshakeDirectives(context, currentClient(c, store));
    // Signed with the instance key, which the app's server already trusts for session tokens.
    const token = await signWithInstanceKey({ handshake: directives }, context.issuer);
    const byNonce = c.req.query("format") === "nonce" && token.length > MAX_HANDSHAKE_TOKEN_LENGTH;
    const cookie = byNonce
      ? handshakeCookie(HANDSHAKE_NONCE_COOKIE, store.handshakePayloads.save(directives))
      : handshakeCookie(HANDSHAKE_COOKIE, token);
    const redirect = new Response(null, {
      status: 307,
      headers: { Location: redirectUrl, "Cache-Control": "no-store" },
    });
    return withCookies(redirect, [cookie]);
  });
}
