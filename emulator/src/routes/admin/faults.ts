import { Hono } from "hono";
import { z } from "zod";
import type { FaultInjector } from "../../faults";
import { clerkErrorResponse, jsonResponse } from "../../http";

/**
 * The emulator's own admin API (not Clerk's): read or replace the injected
 * faults while it runs. Mounted behind the secret key.
 */
export function faultAdminRoutes(faults: FaultInjector): Hono {
  const routes = new Hono();
  routes.get("/", () => jsonResponse(faults.get()));
  routes.put("/", async (c) => {
    const body: unknown = await c.req.json().catch(() => undefined);
    try {
      return jsonResponse(faults.set((body ?? {}) as object));
    } catch (error) {
      const message =
        error instanceof z.ZodError ? z.prettifyError(error) : "The body must be a JSON object of faults.";
      return clerkErrorResponse(422, [
        { code: "form_param_value_invalid", message: "Invalid faults", long_message: message },
      ]);
    }
  });
  routes.delete("/", () => jsonResponse(faults.set({})));
  return routes;
}
