import type { TokenOrganization } from "~/explorer/token-organization";

/** Which organization the token was minted for, as the server's `getAuth()` saw the active one. */
export function MintedFor({ organization }: { organization: TokenOrganization | undefined }) {
  if (organization === undefined) return null;
  return (
    <p className="minted-for" data-testid="minted-for">
      {organization ? (
        <>
          Minted for the organization <strong>{organization.slug ?? organization.id}</strong> (
          <code>{organization.id}</code>)
          {organization.role && (
            <>
              , as <code>{organization.role}</code>
            </>
          )}
          .
        </>
      ) : (
        <>
          Minted for the <strong>personal account</strong>: no organization was active.
        </>
      )}
    </p>
  );
}
