import { createClerkClient } from "@clerk/remix/api.server";
import { config } from "~/config.server";

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
