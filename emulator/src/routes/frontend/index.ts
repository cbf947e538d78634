import { Hono, type MiddlewareHandler } from "hono";
import type { EmulatorContext } from "../../context";
import { clerkJsRoutes } from "./clerk-js";
import { clientRoutes } from "./client";
import { devBrowserRoutes, requireDevBrowser } from "./dev-browser";
import { environmentRoutes } from "./environment";
import { handshakeRoutes } from "./handshake";
import { meOrganizationRoutes } from "./organizations";
import { clientSessionRoutes } from "./sessions";
import { signInRoutes } from "./sign-ins";
import { signUpRoutes } from "./sign-ups";
import { acceptTestingToken } from "./testing-token";

/**
 * The origins whose pages may call this Frontend API with their credentials: a development
 * instance's any (localhost included), a production instance's its own site only.
 */
function allowedOrigin(context: EmulatorContext, origin: string): string | null {
  if (!URL.canParse(origin)) return null;
  const site = context.cookieScope.domain;
  const { hostname } = new URL(origin);
  const allowed = context.instanceKind === "development" || !site || hostname === site || hostname.endsWith(`.${site}`);
  return allowed ? origin : null;
}

/**
 * CORS for pages calling the Frontend API directly, with credentials. Headers are added to
 * the finished answer (hono/cors rebuilds it and drops the client's `Set-Cookie` values).
 */
function frontendApiCors(context: EmulatorContext): MiddlewareHandler {
  return async (c, next) => {
    const origin = allowedOrigin(context, c.req.header("Origin") ?? "");
    if (origin && c.req.method === "OPTIONS") {
      const requested = c.req.header("Access-Control-Request-Headers");
      const preflight = new Response(null, { status: 204 });
      preflight.headers.set("Access-Control-Allow-Methods", "GET, POST, PATCH, PUT, DELETE");
      if (requested) preflight.headers.set("Access-Control-Allow-Headers", requested);
      c.res = preflight;
    } else {
      await next();
    }
    if (!origin) return;
    c.res.headers.set("Access-Control-Allow-Origin", origin);
    c.res.headers.set("Access-Control-Allow-Credentials", "true");
    c.res.headers.append("Vary", "Origin");
  };
}

/**
 * The Frontend API half: what clerk-js 5 calls from the browser (through the app's same-origin
 * proxy, or directly on the instance's host with CORS), and the clerk-js files themselves. No
 * secret key: browsers are identified by cookies (production) or their dev browser (development).
 */
export function frontendApiRoutes(context: EmulatorContext): Hono {
  const app = new Hono().use(frontendApiCors(context)).use(acceptTestingToken(context));
  if (context.instanceKind === "development") {
    const devBrowser = requireDevBrowser(context);
    app.route("/v1/dev_browser", devBrowserRoutes(context));
    app.use("/v1/environment", devBrowser);
    // The handshake is where a browser without a dev browser gets one.
    app.use("/v1/client", devBrowser);
    app.use("/v1/client/*", async (c, next) =>
      c.req.path.startsWith("/v1/client/handshake") ? next() : devBrowser(c, next),
    );
    app.use("/v1/me/*", devBrowser);
  }
  return app
    .route("/", clerkJsRoutes())
    .route("/v1/environment", environmentRoutes(context.instanceKind))
    .route("/v1/client", clientRoutes(context))
    .route("/v1/client/sign_ins", signInRoutes(context))
    .route("/v1/client/sign_ups", signUpRoutes(context))
    .route("/v1/client/sessions", clientSessionRoutes(context))
    .route("/v1/client/handshake", handshakeRoutes(context))
    .route("/v1/me", meOrganizationRoutes(context));
}
