import { getAuth } from "@clerk/remix/ssr.server";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { formatTokenOrganization, TOKEN_ORGANIZATION_HEADER, tokenOrganizationOf } from "~/explorer/token-organization";
import { authOptions, clerkClient } from "~/utils/clerk/client.server";
import { whyNotSignedIn } from "~/utils/clerk/signed-out-reason.server";
import { unauthorized } from "~/utils/clerk/unauthorized.server";
import { jsonResponse } from "~/utils/http/responses.server";
import { templateFromRequest } from "~/utils/tokens/templates.server";
import { reuseTemplateToken, wantsFreshToken } from "~/utils/tokens/reuse.server";

// GET /api/get-token-example: Clerk's getToken() example as a Remix resource route.
// https://clerk.com/docs/references/backend/sessions/get-token · every answer: docs/token-route.md
export async function loader(args: LoaderFunctionArgs) {
  // 1. The signed-in session, from the __session cookie or an Authorization: Bearer session token.
  const auth = await getAuth(args, authOptions);
  const { sessionId, userId, orgId, orgRole, orgSlug } = auth;

  // 2. Nobody is signed in: 401, saying why in `code` (token_expired, bad_signature, …).
  if (!sessionId) return unauthorized(await whyNotSignedIn(auth), args.request);

  // 3. Clerk mints a token from the JWT template. Only allowed template names get this far (400
  //    otherwise); the call is handed to reuseTemplateToken, which reuses its token per session,
  //    template and active organization, holds each user to a share of Clerk's rate limit, bounds
  //    it in time and answers Clerk's failures as JSON.
  const template = await templateFromRequest(args.request);
  const fresh = wantsFreshToken(args.request);
  const { token, serverTiming } = await reuseTemplateToken({ sessionId, userId, orgId, orgRole, template, fresh }, () =>
    clerkClient.sessions.getToken(sessionId, template),
  );

  // 4. {"token":{"jwt":"eyJ…"}}, and which organization it was minted for (Token-Organization).
  const organization = formatTokenOrganization(tokenOrganizationOf({ orgId, orgSlug, orgRole }));
  return jsonResponse({ token }, 200, { "Server-Timing": serverTiming, [TOKEN_ORGANIZATION_HEADER]: organization });
}
