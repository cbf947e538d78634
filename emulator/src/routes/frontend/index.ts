import { Hono } from "hono";
import type { EmulatorContext } from "../../context";
import { clerkJsRoutes } from "./clerk-js";
import { clientRoutes } from "./client";
import { environmentRoutes } from "./environment";
import { handshakeRoutes } from "./handshake";
import { clientSessionRoutes } from "./sessions";
import { signInRoutes } from "./sign-ins";
import { signUpRoutes } from "./sign-ups";

/**
 * The Frontend API half: what clerk-js 5 calls from the browser (through the app's same-origin
 * proxy), and the clerk-js files themselves. No secret key: browsers are identified by cookies.
 */
export function frontendApiRoutes(context: EmulatorContext): Hono {
  return new Hono()
    .route("/", clerkJsRoutes())
    .route("/v1/environment", environmentRoutes())
    .route("/v1/client", clientRoutes(context))
    .route("/v1/client/sign_ins", signInRoutes(context))
    .route("/v1/client/sign_ups", signUpRoutes(context))
    .route("/v1/client/sessions", clientSessionRoutes(context))
    .route("/v1/client/handshake", handshakeRoutes(context));
}
