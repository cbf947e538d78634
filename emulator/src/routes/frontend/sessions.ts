import { Hono, type Context } from "hono";
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
  notFoundOnClient,
  renderClient,
  renderSession,
  sessionToken,
  signedOut,
  userOf,
} from "./envelope";
import { tokenJSON } from "./resources";

// The signed-in browser's session upkeep and sign-out: `/v1/client/sessions…`.

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
      // Unwrapped, unlike the rest: clerk-js reads the token from the body itself.
      .post("/:id/tokens", async (c) => {
        const found = liveSession(c);
        if (found instanceof Response) return found;
        return jsonResponse(tokenJSON(await sessionToken(context, found.session)));
      })
      .post("/:id/tokens/:template", async (c) => {
        const found = liveSession(c);
        if (found instanceof Response) return found;
        const name = c.req.param("template");
        const template = store.jwtTemplates.findByName(name);
        if (!template) return notFoundResponse(`No JWT template exists with name: ${name}`);
        const { session } = found;
        const user = userOf(store, session.user_id);
        return jsonResponse(tokenJSON(await mintTemplateToken({ issuer, template, session, user })));
      })
      // On window focus and when a session is selected; keeps it the client's active one.
      .post("/:id/touch", async (c) => {
        const found = liveSession(c);
        if (found instanceof Response) return found;
        store.sessions.touch(found.session);
        return clientEnvelope(context, found.client, await renderSession(context, found.session));
      })
      .post("/:id/end", (c) => close(c, "ended"))
      .post("/:id/remove", (c) => close(c, "removed"))
  );
}
