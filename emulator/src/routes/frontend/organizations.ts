import { Hono, type Context } from "hono";
import { z } from "zod";
import type { EmulatorContext } from "../../context";
import type { ClientRecord } from "../../store/clients";
import type { SessionRecord } from "../../store/sessions";
import { pageQuery, parseParams } from "../../validation";
import { activeSessionOf, clientEnvelope, currentClient, signedOut } from "./envelope";
import { clientMembershipsOf } from "./organization-resources";

// The signed-in user's organizations, as <OrganizationSwitcher/> lists them: `/v1/me/organization_…`.
// The instance has no invitations or domain suggestions, so those lists are always empty.

const listSchema = z.object({ ...pageQuery, paginated: z.enum(["true", "false"]).optional() });

const EMPTY_PAGE = { data: [], total_count: 0 };

export function meOrganizationRoutes(context: EmulatorContext): Hono {
  const { store } = context;

  /** The browser's session: the one clerk-js names in `_clerk_session_id`, else the client's active one. */
  function signedIn(c: Context): { client: ClientRecord; session: SessionRecord } | Response {
    const client = currentClient(c, store);
    const live = client ? store.sessions.liveOn(client) : [];
    const named = c.req.query("_clerk_session_id");
    const session = named ? live.find((candidate) => candidate.id === named) : client && activeSessionOf(store, client);
    return client && session ? { client, session } : signedOut();
  }

  return new Hono()
    .get("/organization_memberships", async (c) => {
      const found = signedIn(c);
      if (found instanceof Response) return found;
      const query = parseParams(c.req.query(), listSchema);
      if (!query.ok) return query.response;
      const { limit, offset, paginated } = query.data;
      const memberships = clientMembershipsOf(store, found.session.user_id);
      const page = memberships.slice(offset, offset + limit);
      const response = paginated === "true" ? { data: page, total_count: memberships.length } : page;
      return clientEnvelope(context, found.client, response);
    })
    .get("/organization_invitations", async (c) => {
      const found = signedIn(c);
      return found instanceof Response ? found : clientEnvelope(context, found.client, EMPTY_PAGE);
    })
    .get("/organization_suggestions", async (c) => {
      const found = signedIn(c);
      return found instanceof Response ? found : clientEnvelope(context, found.client, EMPTY_PAGE);
    });
}
