import { Hono } from "hono";
import { z } from "zod";
import type { EmulatorContext } from "../../context";
import { jsonResponse, notFoundResponse } from "../../http";
import { userResource } from "../../resources";
import { jsonObject, parseJsonBody } from "../../validation";
import { countUsers, listUsers } from "./user-search";

/** `PATCH /v1/users/{id}/metadata`: each field optional, each an object merged into the user's own. */
const metadataSchema = z.strictObject({
  public_metadata: jsonObject.optional(),
  private_metadata: jsonObject.optional(),
  unsafe_metadata: jsonObject.optional(),
});

export function userNotFound(id: string): Response {
  return notFoundResponse(`No user exists with id: ${id}`);
}

export function userRoutes({ store, webhooks }: EmulatorContext): Hono {
  return (
    new Hono()
      .get("/", (c) => listUsers(c, store.users.list()))
      .get("/count", (c) => countUsers(c, store.users.list()))
      .get("/:id", (c) => {
        const user = store.users.get(c.req.param("id"));
        return user ? jsonResponse(userResource(user)) : userNotFound(c.req.param("id"));
      })
      // How the Dashboard or a server grants a role (public metadata), as in Clerk's basic RBAC guide;
      // announced with user.updated, as Clerk announces any change to a user.
      .patch("/:id/metadata", async (c) => {
        const user = store.users.get(c.req.param("id"));
        if (!user) return userNotFound(c.req.param("id"));
        const body = await parseJsonBody(c.req.raw, metadataSchema);
        if (!body.ok) return body.response;
        const resource = userResource(store.users.mergeMetadata(user, body.data));
        webhooks.userEvent("user.updated", resource);
        return jsonResponse(resource);
      })
  );
}
