import { Hono } from "hono";
import type { EmulatorContext } from "../../context";
import { jsonResponse } from "../../http";
import { withCookies } from "./cookies";
import { clientCookies, currentClient, renderClient } from "./envelope";

/**
 * `GET /v1/client`: `{response: client | null, client: null}`. clerk-js loads with it and
 * re-reads it whenever a call says it is signed out. `__client_uat` is set either way, so a
 * browser whose client is unknown (e.g. after an emulator restart) reads as signed out.
 */
export function clientRoutes(context: EmulatorContext): Hono {
  return new Hono().get("/", async (c) => {
    const client = currentClient(c, context.store);
    const body = { response: client ? await renderClient(context, client) : null, client: null };
    return withCookies(jsonResponse(body), clientCookies(context, client));
  });
}
