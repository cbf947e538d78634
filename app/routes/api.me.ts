import { getAuth } from "@clerk/remix/ssr.server";
import { authOptions } from "~/utils/clerk/client.server";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { jsonResponse, unauthorized } from "~/utils/http/responses.server";

// GET /api/me — who the request's session token says is signed in. Authentication only:
// no Clerk API call (with CLERK_JWT_KEY set, no network call at all).
export async function loader(args: LoaderFunctionArgs) {
  const { userId, sessionId } = await getAuth(args, authOptions);
  if (!userId || !sessionId) {
    return unauthorized();
  }
  return jsonResponse({ userId, sessionId }, 200);
}
