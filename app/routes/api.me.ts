import { getAuth } from "@clerk/remix/ssr.server";
import { authOptions } from "~/utils/clerk/client.server";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { whyNotSignedIn } from "~/utils/clerk/signed-out-reason.server";
import { unauthorized } from "~/utils/clerk/unauthorized.server";
import { jsonResponse } from "~/utils/http/responses.server";

// GET /api/me — who the request's session token says is signed in. Authentication only:
// no Clerk API call (with CLERK_JWT_KEY set, no network call at all).
export async function loader(args: LoaderFunctionArgs) {
  const auth = await getAuth(args, authOptions);
  const { userId, sessionId } = auth;
  if (!userId || !sessionId) return unauthorized(await whyNotSignedIn(auth), args.request);
  return jsonResponse({ userId, sessionId }, 200);
}
