import { getAuth } from "@clerk/remix/ssr.server";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { jsonResponse, methodNotAllowed, unauthorized } from "~/http.server";
import { getTemplateToken, templateFromRequest } from "~/token.server";

// GET /api/get-token-example — Clerk's documented getToken() example, for Remix.
export async function loader(args: LoaderFunctionArgs) {
  const { sessionId } = await getAuth(args);
  if (!sessionId) {
    return unauthorized();
  }

  const template = templateFromRequest(args.request);
  const token = await getTemplateToken(sessionId, template);
  return jsonResponse({ token }, 200);
}

export const action = () => methodNotAllowed();
