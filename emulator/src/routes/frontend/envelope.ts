import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { tokenOrganization } from "../../active-organization";
import type { EmulatorContext } from "../../context";
import { clerkErrorResponse, jsonResponse, notFoundResponse } from "../../http";
import type { ClientRecord } from "../../store/clients";
import type { EmulatorStore } from "../../store";
import { isLiveSession, type SessionRecord } from "../../store/sessions";
import type { UserRecord } from "../../store/users";
import { mintSessionToken } from "../../tokens/session-token";
import type { Parsed } from "../../validation";
import { CLIENT_COOKIE, clientCookie, clientUatCookies, withCookies } from "./cookies";
import { clientMembershipsOf } from "./organization-resources";
import { clientJSON, sessionJSON, signInJSON, signUpJSON, type SessionJSON } from "./resources";

// What every Frontend API route shares: finding the browser's client, rendering it whole,
// the `{response, client}` envelope with the client's cookies, form bodies and errors.

/** The client the request's dev browser (development) or `__client` cookie (production) names, if known. */
export function currentClient(c: Context, store: EmulatorStore): ClientRecord | undefined {
  const token = c.get("devBrowserClientToken") ?? getCookie(c, CLIENT_COOKIE);
  return token === undefined ? undefined : store.clients.findByCookie(token);
}

/** The session a signed-in client uses: its last active one, else its newest live one. */
export function activeSessionOf(store: EmulatorStore, client: ClientRecord): SessionRecord | undefined {
  const live = store.sessions.liveOn(client);
  return live.find((session) => session.id === client.last_active_session_id) ?? live.at(-1);
}

/**
 * `__client_uat`: when the client's signed-in state last changed (seconds), or 0 when it has no
 * live session. Every session token minted afterwards has `iat` ≥ this value, as the app's
 * server requires (else it asks for a handshake).
 */
export function clientUat(store: EmulatorStore, client: ClientRecord | undefined): number {
  return client && store.sessions.liveOn(client).length > 0 ? Math.floor(client.updated_at / 1000) : 0;
}

/** The user a session or sign-in belongs to. @throws if missing: users are never deleted. */
export function userOf(store: EmulatorStore, userId: string): UserRecord {
  const user = store.users.get(userId);
  if (!user) throw new Error(`No user exists with id: ${userId}`);
  return user;
}

/**
 * A fresh session token, lasting the emulator's session token lifetime, for the session's active
 * organization or the `requested` one (null: the personal account); Clerk's refusal when the user
 * is not, or no longer, a member of it.
 */
export async function sessionToken(
  context: EmulatorContext,
  session: SessionRecord,
  requested?: string | null,
): Promise<Parsed<string>> {
  const { issuer, sessionTokenLifetimeSeconds: lifetimeSeconds, sessionTokenClaims: customClaims } = context;
  const active = tokenOrganization(context.store, session, requested);
  if (!active.ok) return active;
  const user = userOf(context.store, session.user_id);
  const organization = active.data;
  return {
    ok: true,
    data: await mintSessionToken({ issuer, session, user, customClaims, lifetimeSeconds, organization }),
  };
}

/** The session token for the session's active organization, or undefined when it cannot have one. */
export async function currentSessionToken(context: EmulatorContext, session: SessionRecord) {
  const minted = await sessionToken(context, session);
  return minted.ok ? minted.data : undefined;
}

/** A session as clerk-js reads it; a live one with a freshly minted `last_active_token`. */
export async function renderSession(context: EmulatorContext, session: SessionRecord): Promise<SessionJSON> {
  const token = (isLiveSession(session) && (await currentSessionToken(context, session))) || null;
  const memberships = clientMembershipsOf(context.store, session.user_id);
  return sessionJSON(session, userOf(context.store, session.user_id), memberships, token);
}

/** The whole client: its live sessions, and the sign-in and sign-up in progress. */
export async function renderClient(context: EmulatorContext, client: ClientRecord) {
  const { store } = context;
  const signIn = client.sign_in_id === null ? undefined : store.signIns.get(client.sign_in_id);
  const signUp = client.sign_up_id === null ? undefined : store.signUps.get(client.sign_up_id);
  return clientJSON(client, {
    sessions: await Promise.all(store.sessions.liveOn(client).map((session) => renderSession(context, session))),
    signIn: signIn ? signInJSON(signIn, userOf(store, signIn.user_id)) : null,
    signUp: signUp ? signUpJSON(signUp) : null,
  });
}

/**
 * The client's cookies: `__client`, and `__client_uat` with its suffixed twin. None for a
 * development instance: its dev browser names the client, and clerk-js writes `__client_uat`.
 */
export function clientCookies(context: EmulatorContext, client: ClientRecord | undefined): string[] {
  if (context.instanceKind === "development") return [];
  const uatCookies = clientUatCookies(clientUat(context.store, client), context.cookieSuffix, context.cookieScope);
  return client ? [clientCookie(client), ...uatCookies] : uatCookies;
}

/**
 * `{response, client}`: clerk-js replaces its whole client state with `client`, so it is
 * always complete. Rendered after any change to the store, so its tokens' `iat` ≥ `__client_uat`.
 */
export async function clientEnvelope(context: EmulatorContext, client: ClientRecord, response: unknown) {
  const body = { response, client: await renderClient(context, client) };
  return withCookies(jsonResponse(body), clientCookies(context, client));
}

/** clerk-js sends form-urlencoded bodies (`application/x-www-form-urlencoded`). */
export async function formParams(c: Context): Promise<Record<string, string>> {
  return Object.fromEntries(new URLSearchParams(await c.req.text()));
}

/**
 * The app's origin: the browser's `Origin`, else the origin of the `Clerk-Proxy-Url` the
 * app's proxy adds. Null for a direct call to the emulator.
 */
export function appOrigin(c: Context): string | null {
  const origin = c.req.header("Origin");
  if (origin && origin !== "null" && URL.canParse(origin)) return new URL(origin).origin;
  const proxyUrl = c.req.header("Clerk-Proxy-Url");
  return proxyUrl && URL.canParse(proxyUrl) ? new URL(proxyUrl).origin : null;
}

/** 401 for a browser without a signed-in session; clerk-js then re-reads its client and signs out. */
export function signedOut(): Response {
  return clerkErrorResponse(401, [{ code: "signed_out", message: "Signed out", long_message: "You are signed out" }]);
}

/** Single session mode: a signed-in browser cannot sign in or up again; clerk-js then activates its session. */
export function sessionExists(): Response {
  return clerkErrorResponse(400, [
    { code: "session_exists", message: "Session already exists", long_message: "You're already signed in." },
  ]);
}

/** A sign-in or sign-up that has created its session takes no further steps. */
export function alreadyComplete(what: "sign-in" | "sign-up"): Response {
  return clerkErrorResponse(400, [
    {
      code: "verification_already_verified",
      message: "Already verified",
      long_message: `This ${what} is already complete.`,
    },
  ]);
}

/** 404 for an id that is unknown, or belongs to another browser's client. */
export function notFoundOnClient(what: string, id: string): Response {
  return notFoundResponse(`No ${what} was found with id ${id}`);
}
