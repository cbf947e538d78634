import { getAuth } from "@clerk/remix/ssr.server";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { authOptions } from "~/utils/clerk/client.server";
import { config } from "~/utils/config/config.server";
import { whyNotSignedIn } from "~/utils/clerk/signed-out-reason.server";
import { unauthorized } from "~/utils/clerk/unauthorized.server";
import { apiError } from "~/utils/http/responses.server";

/** A page for signed-in users: anyone else is sent to sign in and brought back. */
export async function requireSignedInPage(args: LoaderFunctionArgs): Promise<string> {
  const { sessionId } = await getAuth(args, authOptions);
  if (sessionId) return sessionId;
  const here = new URL(args.request.url);
  throw redirect(`/sign-in?redirect_url=${encodeURIComponent(here.pathname + here.search)}`);
}

/**
 * A form post from a signed-in user on this site: 401 without a session, 403
 * when the browser says the form came from another site. Hosts are compared, not
 * schemes: behind a TLS-terminating proxy the browser's https is this server's http.
 */
export async function requireSignedInPost(args: ActionFunctionArgs): Promise<string> {
  const origin = args.request.headers.get("Origin");
  if (origin !== null && (!URL.canParse(origin) || new URL(origin).host !== new URL(args.request.url).host)) {
    throw apiError(403, { message: "Forms are accepted from this site's own pages only.", code: "cross_origin_form" });
  }
  const auth = await getAuth(args, authOptions);
  if (!auth.sessionId) throw unauthorized(await whyNotSignedIn(auth), args.request);
  const { sessionId } = auth;
  return sessionId;
}

export function assertTemplateEditing(): void {
  if (config.templateEditing) return;
  throw apiError(403, {
    message:
      "Template editing is off. It is on with the offline emulator, and with a development instance's sk_test_ key " +
      "and TEMPLATE_EDITING=on; never with a production key.",
    code: "template_editing_off",
  });
}
