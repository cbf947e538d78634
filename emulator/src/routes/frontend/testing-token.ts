import type { MiddlewareHandler } from "hono";
import type { EmulatorContext } from "../../context";

declare module "hono" {
  interface ContextVariableMap {
    /** What became of the request's `__clerk_testing_token`, for the request log. */
    testingToken: "accepted" | "ignored" | undefined;
  }
}

/** The query parameter @clerk/testing's setupClerkTestingToken() adds to every Frontend API call. */
export const TESTING_TOKEN_PARAM = "__clerk_testing_token";

/**
 * Takes `__clerk_testing_token` on every Frontend API call, as Clerk does to let automated
 * browsers past its bot protection. The emulator has no bot protection, so a token changes no
 * answer: one it issued and still valid is noted in the request log as accepted; any other is
 * ignored, as Clerk ignores an outdated one instead of answering an error (clerk/javascript#3471).
 */
export function acceptTestingToken({ store }: EmulatorContext): MiddlewareHandler {
  return async (c, next) => {
    const token = c.req.query(TESTING_TOKEN_PARAM);
    if (token !== undefined) c.set("testingToken", store.testingTokens.isValid(token) ? "accepted" : "ignored");
    await next();
  };
}
