import { Hono } from "hono";
import { z } from "zod";
import type { EmulatorContext } from "../../context";
import { jsonResponse } from "../../http";
import { membershipWithUser } from "../../organization-resources";
import { pageQuery, parseParams } from "../../validation";
import { userNotFound } from "./users";

/** `GET /v1/users/{id}/organization_memberships`: a user's memberships, newest first, each with its organization. */
export function userOrganizationMembershipRoutes({ store }: EmulatorContext): Hono {
  return new Hono().get("/:id/organization_memberships", (c) => {
    const userId = c.req.param("id");
    if (!store.users.get(userId)) return userNotFound(userId);
    const query = parseParams(c.req.query(), z.object(pageQuery));
    if (!query.ok) return query.response;
    const { limit, offset } = query.data;
    const memberships = store.organizations.membershipsOf(userId);
    const data = memberships.slice(offset, offset + limit).map((active) => membershipWithUser(store, active));
    return jsonResponse({ data, total_count: memberships.length });
  });
}
