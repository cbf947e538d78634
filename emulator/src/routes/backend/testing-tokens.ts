import { Hono } from "hono";
import type { EmulatorContext } from "../../context";
import { jsonResponse } from "../../http";
import { testingTokenResource } from "../../resources";

/**
 * `POST /v1/testing_tokens`, which @clerk/testing's clerkSetup() calls. Both instance kinds
 * answer, as Clerk's do since testing tokens came to production instances (Aug 2025);
 * docs/decisions/027-clerk-testing-against-the-emulator.md.
 */
export function testingTokenRoutes({ store }: EmulatorContext): Hono {
  return new Hono().post("/", () => jsonResponse(testingTokenResource(store.testingTokens.issue())));
}
