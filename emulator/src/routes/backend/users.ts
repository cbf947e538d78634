import { Hono } from "hono";
import type { EmulatorContext } from "../../context";
import { jsonResponse, notFoundResponse } from "../../http";
import { userResource } from "../../resources";
import { countUsers, listUsers } from "./user-search";

export function userNotFound(id: string): Response {
  return notFoundResponse(`No user exists with id: ${id}`);
}

export function userRoutes({ store }: EmulatorContext): Hono {
  return new Hono()
    .get("/", (c) => listUsers(c, store.users.list()))
    .get("/count", (c) => countUsers(c, store.users.list()))
    .get("/:id", (c) => {
      const user = store.users.get(c.req.param("id"));
      return user ? jsonResponse(userResource(user)) : userNotFound(c.req.param("id"));
    });
}
