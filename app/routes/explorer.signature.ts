import type { ActionFunctionArgs } from "@remix-run/node";
import { checkSignature } from "~/utils/tokens/signature.server";
import { readForm } from "~/utils/http/form.server";
import { apiError, jsonResponse } from "~/utils/http/responses.server";
import { requireSignedInPost } from "~/utils/templates/access.server";

const JWT_PATTERN = /^[\w-]+\.[\w-]+\.[\w-]+$/;
/** Far beyond any token Clerk mints (a cookie stops near 4 KB). */
const MAX_JWT_LENGTH = 16_384;

/**
 * POST /explorer/signature with a `jwt` form field: whether the token's
 * signature verifies against the instance's public keys (`/v1/jwks`).
 */
export async function action(args: ActionFunctionArgs) {
  await requireSignedInPost(args);
  const jwt = (await readForm(args.request)).get("jwt");
  if (typeof jwt !== "string" || jwt.length > MAX_JWT_LENGTH || !JWT_PATTERN.test(jwt)) {
    throw apiError(400, { message: "Send one JWT in the jwt form field.", code: "invalid_jwt" });
  }
  return jsonResponse({ signature: await checkSignature(jwt) }, 200);
}

export function loader() {
  return apiError(405, { message: "POST a jwt form field.", code: "method_not_allowed" }, { Allow: "POST" });
}
