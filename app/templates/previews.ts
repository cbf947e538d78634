import type { TokenOrganization } from "~/explorer/token-organization";

/** The account a preview token was minted for: an organization (with its name), or null for the personal account. */
export type PreviewAccount = (NonNullable<TokenOrganization> & { name: string }) | null;

/** One account's preview: the token, or the error answer the token route would have given. */
export type TemplatePreview =
  { account: PreviewAccount; jwt: string } | { account: PreviewAccount; status: number; code: string; message: string };

/** The studio's previews of a template: the personal account first, then the user's organizations. */
export type TemplatePreviews = {
  template: string;
  previews: TemplatePreview[];
  /** Organizations of the user's beyond the ones previewed. */
  notPreviewed: number;
};

/** Asks POST /templates/previews for the template's token per account; an error answer as it is. */
export async function requestPreviews(
  template: string,
): Promise<TemplatePreviews | { status: number; code?: string; message: string }> {
  const form = new FormData();
  form.set("template", template);
  const response = await fetch("/templates/previews", { method: "POST", body: form }).catch(() => undefined);
  const body = await response?.json().catch(() => undefined);
  if (response?.ok && Array.isArray(body?.previews)) return body as TemplatePreviews;
  return {
    status: response?.status ?? 0,
    code: typeof body?.code === "string" ? body.code : undefined,
    message: typeof body?.message === "string" ? body.message : "The previews could not be fetched.",
  };
}
