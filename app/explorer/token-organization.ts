/**
 * Which organization a token was minted for: the request's active organization as `getAuth()`
 * verified it, or null for the personal account. The token routes say it in a response header,
 * since a template need not carry any organization claim (docs/decisions/031-organizations-in-the-app.md).
 */
export type TokenOrganization = { id: string; slug: string | null; role: string | null } | null;

/** e.g. `Token-Organization: org_2ab…; slug=acme; role=org:admin`, or `Token-Organization: personal`. */
export const TOKEN_ORGANIZATION_HEADER = "Token-Organization";

const PERSONAL = "personal";

// Percent-encoded, so that no value can break the header; ":" kept for readable role keys.
const encode = (value: string) => encodeURIComponent(value).replaceAll("%3A", ":");

export function tokenOrganizationOf(auth: {
  orgId?: string | null;
  orgSlug?: string | null;
  orgRole?: string | null;
}): TokenOrganization {
  return auth.orgId ? { id: auth.orgId, slug: auth.orgSlug ?? null, role: auth.orgRole ?? null } : null;
}

export function formatTokenOrganization(organization: TokenOrganization): string {
  if (!organization) return PERSONAL;
  const { id, slug, role } = organization;
  return [encode(id), ...(slug ? [`slug=${encode(slug)}`] : []), ...(role ? [`role=${encode(role)}`] : [])].join("; ");
}

/** The header's value read back; undefined when there is none or it is not one this app wrote. */
export function parseTokenOrganization(value: string | null): TokenOrganization | undefined {
  if (value === null) return undefined;
  if (value === PERSONAL) return null;
  try {
    const [id = "", ...parameters] = value.split("; ");
    const named = new Map(
      parameters.map((parameter) => {
        const at = parameter.indexOf("=");
        return [parameter.slice(0, at), decodeURIComponent(parameter.slice(at + 1))];
      }),
    );
    if (id === "") return undefined;
    return { id: decodeURIComponent(id), slug: named.get("slug") ?? null, role: named.get("role") ?? null };
  } catch {
    return undefined;
  }
}
