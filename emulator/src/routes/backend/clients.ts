import { Hono } from "hono";
import type { EmulatorContext } from "../../context";
import { jsonResponse, notFoundResponse } from "../../http";

/**
 * `GET /v1/clients/handshake_payload?nonce=…`: the cookie directives of a handshake the
 * Frontend API handed over by nonce (routes/frontend/handshake.ts), as @clerk/backend fetches them.
 */
export function clientRoutes({ store }: EmulatorContext): Hono {
  return new Hono().get("/handshake_payload", (c) => {
    const directives = store.handshakePayloads.get(c.req.query("nonce") ?? "");
    return directives
      ? jsonResponse({ directives })
      : notFoundResponse("No handshake payload exists for this nonce", "It is unknown, or older than a minute.");
  });
}
