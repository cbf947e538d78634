import { createClerkClient } from "@clerk/remix/api.server";
import { Agent, setGlobalDispatcher } from "undici";
import { config } from "~/utils/config/config.server";

/**
 * @clerk/backend calls fetch() with no timeout, so a Clerk call this server
 * has stopped waiting for would keep its socket for Node's defaults (minutes).
 * Every outgoing request is bounded a little beyond CLERK_API_TIMEOUT_MS instead.
 */
const ABANDONED_CALL_GRACE_MS = 1000;
setGlobalDispatcher(
  new Agent({
    connectTimeout: config.apiTimeoutMs,
    headersTimeout: config.apiTimeoutMs + ABANDONED_CALL_GRACE_MS,
    bodyTimeout: config.apiTimeoutMs + ABANDONED_CALL_GRACE_MS,
  }),
);

/**
 * One Clerk Backend API client for the whole server. `createClerkClient`
 * does not read CLERK_API_URL or CLERK_JWT_KEY itself, so both are passed
 * from the validated configuration.
 */
export const clerkClient = createClerkClient({
  secretKey: config.secretKey,
  publishableKey: config.publishableKey,
  apiUrl: config.apiUrl,
  jwtKey: config.jwtKey,
});

/**
 * What getAuth and rootAuthLoader take from the configuration. @clerk/remix hands every option
 * on to authenticateRequest, though getAuth's type names only secretKey.
 */
export const authOptions = { secretKey: config.secretKey, authorizedParties: config.authorizedParties };
