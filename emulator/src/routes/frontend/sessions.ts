import { Hono, type Context } from "hono";
import { tokenOrganization } from "../../active-organization";
import type { EmulatorContext } from "../../context";
import { jsonResponse, notFoundResponse } from "../../http";
import type { ClientRecord } from "../../store/clients";
import { isLiveSession, type SessionRecord } from "../../store/sessions";
import { mintTemplateToken } from "../../tokens/jwt-template";
import { withCookies } from "./cookies";
import {
  clientCookies,
  clientEnvelope,
  currentClient,
  formParams,
  notFoundOnClient,
  renderClient,
  renderSession,
  sessionToken,
  signedOut,
  userOf,
} from "./envelope";
import { tokenJSON } from "./resources";

// The signed-in browser's session upkeep and sign-out: `/v1/client/sessions…`.

/** The organization a form names (clerk-js sends null as empty: the personal account), if it names one. */
function requestedOrganization(params: Record<string, string>, name: string): string | null | undefined {
  const value = params[name];
  return value === undefined ? undefined : value || null;
}

export function clientSessionRoutes(context: EmulatorContext): Hono {
  const { store, issuer } = context;

  /** The session in the path, if it is this browser's and live; else the error that signs clerk-js out. */
  function liveSession(c: Context): { client: ClientRecord; session: SessionRecord } | Response {
    const id = c.req.param("id") ?? "";
    const client = currentClient(c, store);
    if (!client) return signedOut();
    const session = store.sessions.get(id);
    if (session?.client_id !== client.id) return notFoundOnClient("session", id);
    return isLiveSession(session) ? { client, session } : signedOut();
  }

  async function close(c: Context, status: "ended" | "removed"): Promise<Response> {
    const found = liveSession(c);
    if (found instanceof Response) return found;
    store.sessions.close(found.session, status);
    context.webhooks.sessionEvent(`session.${status}`, found.session);
    return clientEnvelope(context, found.client, await renderSession(context, found.session));
  }

  return (
    new Hono()
      // `clerk.signOut()` in single session mode: every session ends, the `__client` cookie stays.
      .delete("/", async (c) => {
        const client = currentClient(c, store);
        for (const session of client ? store.sessions.liveOn(client) : []) {
          store.sessions.close(session, "removed");
          context.webhooks.sessionEvent("session.removed", session);
        }
        const rendered = client ? await renderClient(context, client) : null;
        return withCookies(jsonResponse({ response: rendered, client: rendered }), clientCookies(context, client));
      })
      // Unwrapped, unlike the rest: clerk-js reads the token from the body itself. clerk-js names
      // the organization it wants the token for (empty: the personal account); this does not make
      // it the session's active one.
      .post("/:id/tokens", async (c) => {
        const found = liveSession(c);
        if (found instanceof Response) return found;
        const minted = await sessionToken(
          context,
          found.session,
          requestedOrganization(await formParams(c), "organization_id"),
        );
        return minted.ok ? jsonResponse(tokenJSON(minted.data)) : minted.response;
      })
      .post("/:id/tokens/:template", async (c) => {
        const found = liveSession(c);
        if (found instanceof Response) return found;
        const name = c.req.param("template");
        const template = store.jwtTemplates.findByName(name);
        if (!template) return notFoundResponse(`No JWT template exists with name: ${name}`);
        const { session } = found;
        const active = tokenOrganization(store, session);
        if (!active.ok) return active.response;
        const user = userOf(store, session.user_id);
        const jwt = await mintTemplateToken({ issuer, template, session, user, organization: active.data });
        return jsonResponse(tokenJSON(jwt));
      })
      // On window focus and when a session or organization is selected (setActive): keeps the session
      // its client's active one and makes `active_organization_id` (an id or slug; empty: the personal
      // account) the session's active organization.
      .post("/:id/touch", async (c) => {
        const found = liveSession(c);
        if (found instanceof Response) return found;
        const requested = requestedOrganization(await formParams(c), "active_organization_id");
        const active = requested === undefined ? undefined : tokenOrganization(store, found.session, requested);
        if (active && !active.ok) return active.response;
        store.sessions.touch(found.session, active && (active.data?.organization.id ?? null));
        return clientEnvelope(context, found.client, await renderSession(context, found.session));
      })
      .post("/:id/end", (c) => close(c, "ended"))
      .post("/:id/remove", (c) => close(c, "removed"))
  );
}
