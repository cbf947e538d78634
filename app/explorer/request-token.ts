import {
  parseTokenOrganization,
  TOKEN_ORGANIZATION_HEADER,
  type TokenOrganization,
} from "~/explorer/token-organization";

export type TokenAnswer =
  | { kind: "token"; jwt: string; template: string; organization: TokenOrganization | undefined }
  | { kind: "error"; status: number; message: string; code?: string };

/**
 * Asks the token route for a template token with plain `fetch`, as any other
 * client would, so error answers (401, 404, 429 …) reach the page as they are.
 * `fresh` sends `Cache-Control: no-cache` for a newly minted token.
 */
export async function requestToken(template: string, { fresh = false } = {}): Promise<TokenAnswer> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (fresh) headers["Cache-Control"] = "no-cache";
  let response: Response;
  try {
    response = await fetch(`/api/get-token-example?template=${encodeURIComponent(template)}`, { headers });
  } catch {
    return { kind: "error", status: 0, message: "The request did not reach the server. Check your connection." };
  }
  const body = await response.json().catch(() => undefined);
  if (response.ok && typeof body?.token?.jwt === "string") {
    const organization = parseTokenOrganization(response.headers.get(TOKEN_ORGANIZATION_HEADER));
    return { kind: "token", jwt: body.token.jwt, template, organization };
  }
  return {
    kind: "error",
    status: response.status,
    message: typeof body?.message === "string" ? body.message : `The server answered HTTP ${response.status}.`,
    code: typeof body?.code === "string" ? body.code : undefined,
  };
}
