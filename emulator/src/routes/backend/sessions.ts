import { Hono, type Context } from "hono";
import { z } from "zod";
import { organizationNotFoundOrUnauthorized, tokenOrganization } from "../../active-organization";
import type { EmulatorContext } from "../../context";
import { jsonResponse, notFoundResponse } from "../../http";
import { sessionResource } from "../../resources";
import { isLiveSession } from "../../store/sessions";
import { mintTemplateToken } from "../../tokens/jwt-template";
import { mintSessionToken } from "../../tokens/session-token";
import { lifetimeSeconds, parseJsonBody } from "../../validation";
import { userNotFound } from "./users";

const tokenRequestSchema = z.object({ expires_in_seconds: lifetimeSeconds.nullish() });
const createSessionSchema = z.object({
  user_id: z.string({ error: "must be a string" }).min(1),
  active_organization_id: z.string().nullish(),
});

function sessionNotFound(id: string): Response {
  return notFoundResponse(`No session exists with id: ${id}`);
}

export function sessionRoutes(context: EmulatorContext): Hono {
  const { store, issuer } = context;

  async function createToken(c: Context, templateName?: string): Promise<Response> {
    const body = await parseJsonBody(c.req.raw, tokenRequestSchema);
    if (!body.ok) return body.response;
    const expiresInSeconds = body.data.expires_in_seconds ?? undefined;

    const sessionId = c.req.param("id") ?? "";
    const session = store.sessions.get(sessionId);
    if (!session) return sessionNotFound(sessionId);
    if (!isLiveSession(session)) {
      return notFoundResponse(
        `No active session exists with id: ${sessionId}`,
        `Session ${sessionId} is ${session.status}, not active, so it cannot mint tokens.`,
      );
    }

    // For the session's active organization, if its user is still a member of it.
    const active = tokenOrganization(store, session);
    if (!active.ok) return active.response;
    const organization = active.data;
    const user = store.users.get(session.user_id);
    if (!user) return userNotFound(session.user_id);
    if (templateName === undefined) {
      const lifetimeSeconds = expiresInSeconds ?? context.sessionTokenLifetimeSeconds;
      const customClaims = context.sessionTokenClaims;
      const jwt = await mintSessionToken({ issuer, session, user, customClaims, lifetimeSeconds, organization });
      return jsonResponse({ object: "token", jwt });
    }
    const template = store.jwtTemplates.findByName(templateName);
    if (!template) return notFoundResponse(`No JWT template exists with name: ${templateName}`);
    const jwt = await mintTemplateToken({ issuer, template, session, user, organization, expiresInSeconds });
    return jsonResponse({ object: "token", jwt });
  }

  return (
    new Hono()
      // For tests and tools (Clerk's own description: not for production instances; see the README).
      .post("/", async (c) => {
        const body = await parseJsonBody(c.req.raw, createSessionSchema);
        if (!body.ok) return body.response;
        const { user_id: userId, active_organization_id: organizationId } = body.data;
        if (!store.users.get(userId)) return userNotFound(userId);
        const active = store.organizations.activeMembership(userId, organizationId || null);
        if (active === undefined) return organizationNotFoundOrUnauthorized();
        const session = store.sessions.create({ userId, activeOrganizationId: active?.organization.id ?? null });
        return jsonResponse(sessionResource(session));
      })
      .get("/:id", (c) => {
        const session = store.sessions.get(c.req.param("id"));
        return session ? jsonResponse(sessionResource(session)) : sessionNotFound(c.req.param("id"));
      })
      .post("/:id/revoke", (c) => {
        const session = store.sessions.revoke(c.req.param("id"));
        if (session) context.webhooks.sessionEvent("session.revoked", session);
        return session ? jsonResponse(sessionResource(session)) : sessionNotFound(c.req.param("id"));
      })
      .post("/:id/tokens", (c) => createToken(c))
      .post("/:id/tokens/:template", (c) => createToken(c, c.req.param("template")))
  );
}
