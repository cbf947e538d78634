import { Hono } from "hono";
import type { EmulatorContext } from "../../context";
import { jsonResponse } from "../../http";

/** `GET /v1/jwks`: the instance's public key, which verifies every session token it mints. */
export function jwksRoutes({ publicJwk }: EmulatorContext): Hono {
  return new Hono().get("/", () => jsonResponse({ keys: [publicJwk] }));
}
