import { Hono, type MiddlewareHandler } from "hono";
import type { EmulatorContext } from "../../context";
import { clerkErrorResponse, jsonResponse } from "../../http";
import type { ClientRecord } from "../../store/clients";
import { DEV_BROWSER_COOKIE } from "./cookies";

declare module "hono" {
  interface ContextVariableMap {
    /** The secret of the client the request's dev browser names (development instances). */
    devBrowserClientToken: string | undefined;
  }
}

/** The query parameter clerk-js appends to every Frontend API call: the dev browser JWT. */
export const DEV_BROWSER_PARAM = DEV_BROWSER_COOKIE;

/** The client a dev browser JWT names, if this instance issued it and still knows the client. */
export async function clientOfDevBrowser(
  context: EmulatorContext,
  jwt: string | undefined,
): Promise<ClientRecord | undefined> {
  const token = jwt ? await context.devBrowsers.clientCookieTokenOf(jwt) : undefined;
  return token === undefined ? undefined : context.store.clients.findByCookie(token);
}

/** A new dev browser with a client of its own (which starts signed out), and its JWT. */
export async function newDevBrowser(context: EmulatorContext): Promise<{ client: ClientRecord; jwt: string }> {
  const client = context.store.clients.create();
  return { client, jwt: await context.devBrowsers.issue(client.cookie_token) };
}

/** `POST /v1/dev_browser`: clerk-js's first call to a development instance; it keeps the `id`. */
export function devBrowserRoutes(context: EmulatorContext): Hono {
  return new Hono().post("/", async () => {
    const { jwt } = await newDevBrowser(context);
    return jsonResponse({ object: "dev_browser", id: jwt });
  });
}

/**
 * Development instances answer only calls that carry a dev browser they issued; clerk-js
 * meets `dev_browser_unauthenticated` by creating a new one (e.g. after an emulator restart).
 */
export function requireDevBrowser(context: EmulatorContext): MiddlewareHandler {
  return async (c, next) => {
    const client = await clientOfDevBrowser(context, c.req.query(DEV_BROWSER_PARAM));
    if (!client) {
      return clerkErrorResponse(401, [
        {
          code: "dev_browser_unauthenticated",
          message: "Unauthorized request",
          long_message: "You are not authorized to perform this request",
        },
      ]);
    }
    c.set("devBrowserClientToken", client.cookie_token);
    await next();
  };
}
