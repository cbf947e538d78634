import { Hono } from "hono";
import { z } from "zod";
import type { EmulatorContext } from "../../context";
import { invalidParam, jsonResponse } from "../../http";
import { signInTokenResource } from "../../resources";
import { SIGN_IN_TOKEN_DEFAULT_LIFETIME_SECONDS } from "../../store/lifetimes";
import { boundedInteger, parseJsonBody } from "../../validation";
import { userNotFound } from "./users";

const createSchema = z.object({
  user_id: z.string({ error: "must be a string" }).min(1, { error: "must not be empty" }),
  expires_in_seconds: boundedInteger(1, Number.MAX_SAFE_INTEGER).nullish(),
  org_id: z.string({ error: "must be a string" }).nullish(),
});

/**
 * `POST /v1/sign_in_tokens`: a ticket for the Frontend API's `ticket` strategy, as
 * `clerk.signIn({ emailAddress })` of @clerk/testing creates one (routes/frontend/ticket-sign-in.ts).
 */
export function signInTokenRoutes({ store }: EmulatorContext): Hono {
  return new Hono().post("/", async (c) => {
    const body = await parseJsonBody(c.req.raw, createSchema);
    if (!body.ok) return body.response;
    const { user_id: userId, expires_in_seconds: expiresInSeconds, org_id: orgId } = body.data;
    if (orgId) return invalidParam("org_id", "Activating an organization on sign-in is not emulated.");
    if (!store.users.get(userId)) return userNotFound(userId);
    const record = store.signInTokens.create(userId, expiresInSeconds ?? SIGN_IN_TOKEN_DEFAULT_LIFETIME_SECONDS);
    return jsonResponse(signInTokenResource(record));
  });
}
