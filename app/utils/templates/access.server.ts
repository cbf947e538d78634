import { getAuth } from "@clerk/remix/ssr.server";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { authOptions } from "~/utils/clerk/client.server";
import { config } from "~/utils/config/config.server";
import { whyNotSignedIn } from "~/utils/clerk/signed-out-reason.server";
import { unauthorized } from "~/utils/clerk/unauthorized.server";
import { apiError } from "~/utils/http/responses.server";
import { templateApiErrorResponse } from "~/utils/templates/catalog.server";
import { isTemplateEditor, type SessionClaims } from "~/utils/templates/editors.server";
import type { TemplateSummary } from "~/templates/summary";

/**
 * Who may do what with templates, checked on the server in every loader and
 * action that reads or writes them (docs/decisions/025-template-editors-and-the-emulator-marker.md).
 */

/** A signed-in user, with their verified session token's claims (where a public metadata role may be). */
export type SignedIn = { sessionId: string; userId: string; claims: SessionClaims };

/** A page for signed-in users: anyone else is sent to sign in and brought back. */
export async function requireSignedInPage(args: LoaderFunctionArgs): Promise<SignedIn> {
  const { sessionId, userId, sessionClaims } = await getAuth(args, authOptions);
  if (sessionId && userId) return { sessionId, userId, claims: sessionClaims };
  const here = new URL(args.request.url);
  throw redirect(`/sign-in?redirect_url=${encodeURIComponent(here.pathname + here.search)}`);
}

/**
 * A form post from a signed-in user on this site: 401 without a session, 403
 * when the browser says the form came from another site. Hosts are compared, not
 * schemes: behind a TLS-terminating proxy the browser's https is this server's http.
 */
export async function requireSignedInPost(args: ActionFunctionArgs): Promise<SignedIn> {
  const origin = args.request.headers.get("Origin");
  if (origin !== null && (!URL.canParse(origin) || new URL(origin).host !== new URL(args.request.url).host)) {
    throw apiError(403, { message: "Forms are accepted from this site's own pages only.", code: "cross_origin_form" });
  }
  const auth = await getAuth(args, authOptions);
  if (!auth.sessionId || !auth.userId) throw unauthorized(await whyNotSignedIn(auth), args.request);
  return { sessionId: auth.sessionId, userId: auth.userId, claims: auth.sessionClaims };
}

/** Whether this user may create, edit and export templates here: editing on, and named an editor. */
export async function mayEditTemplates({ userId, claims }: SignedIn): Promise<boolean> {
  if (!config.templateEditing) return false;
  return isTemplateEditor(userId, claims).catch((error: unknown) => {
    throw templateApiErrorResponse(error);
  });
}

/** 403 unless editing is on and this user is a template editor, saying which is missing. */
export async function assertTemplateEditor(signedIn: SignedIn): Promise<void> {
  if (!config.templateEditing) {
    throw apiError(403, {
      message:
        `${config.templateEditingOffReason} Editing is on with the offline emulator, and with a development ` +
        "instance's sk_test_ key and TEMPLATE_EDITING=on, for the users TEMPLATE_EDITORS names and those whose public " +
        "metadata role is TEMPLATE_EDITOR_ROLE; never with a production key.",
      code: "template_editing_off",
    });
  }
  if (await mayEditTemplates(signedIn)) return;
  throw apiError(403, {
    message: `Only template editors may create, edit or export templates: ${templateEditorsInWords()}. You are not one of them.`,
    code: "not_a_template_editor",
  });
}

/**
 * Who may edit on this server, in words for the pages and the 403: the configured names, and the role.
 * An organization role is never one of them (docs/decisions/032-template-editors-by-role.md).
 */
export function templateEditorsInWords(): string {
  const { named, role } = config.templateEditors;
  const rules = [
    ...(named.length > 0 ? [`${named.join(", ")} (TEMPLATE_EDITORS)`] : []),
    ...(role === undefined
      ? []
      : [`users whose public metadata role is "${role}" (TEMPLATE_EDITOR_ROLE; an organization role does not count)`]),
  ];
  return rules.join(", and ");
}

/** 403 for a template signed with its own key: the studio never writes one, whoever asks. */
export function assertStudioMayWrite(template: TemplateSummary): void {
  if (!template.customSigningKey) return;
  throw apiError(403, {
    message:
      `"${template.name}" is signed with its own key (${template.signingAlgorithm}): the studio does not write ` +
      "templates with their own signing key. Change it in Clerk's Dashboard.",
    code: "template_has_own_key",
  });
}
