import { getAuth } from "@clerk/remix/ssr.server";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { jsonResponse, unauthorized } from "~/http.server";
import { getTemplateToken, templateFromRequest, wantsFreshToken } from "~/token.server";

// GET /api/get-token-example — Clerk's documented getToken() example, for Remix.
export async function loader(args: LoaderFunctionArgs) {
  const { sessionId, userId } = await getAuth(args);
  if (!sessionId || !userId) {
    return unauthorized();
  }

  const template = templateFromRequest(args.request);
  const { token, serverTiming } = await getTemplateToken({ sessionId, userId }, template, {
    fresh: wantsFreshToken(args.request),
  });
  return jsonResponse({ token }, 200, { "Server-Timing": serverTiming });
}
