import { LocalTime } from "~/components/LocalTime";
import { CLERK_DEFAULT_CLAIMS } from "~/templates/default-claims";

const TIME_CLAIMS = new Set(["exp", "iat", "nbf"]);
const isClerkDefault = (claim: string) => (CLERK_DEFAULT_CLAIMS as readonly string[]).includes(claim);

function Origin({ claim, sources }: { claim: string; sources?: Record<string, unknown> }) {
  if (isClerkDefault(claim)) {
    return (
      <span className="claim-badge claim-badge-clerk" title="Clerk sets this claim on every template token">
        Clerk
      </span>
    );
  }
  if (!sources) return <span className="claim-badge">template</span>;
  if (!Object.hasOwn(sources, claim)) return <span className="claim-badge">not in the template</span>;
  return <code className="claim-source">{JSON.stringify(sources[claim])}</code>;
}

/**
 * A token's claims one per row: the rendered value, and where it came from —
 * Clerk's default claims marked as Clerk's; given the template's claims, the
 * shortcode or literal that produced each of the others.
 */
export function ClaimsTable({
  claims,
  sources,
}: {
  claims: Record<string, unknown>;
  sources?: Record<string, unknown>;
}) {
  return (
    <div className="claims-table-scroll">
      <table className="claims-table" data-testid="jwt-claims">
        <thead>
          <tr>
            <th scope="col">Claim</th>
            <th scope="col">Value</th>
            <th scope="col">{sources ? "From the template" : "Set by"}</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(claims).map(([claim, value]) => (
            <tr key={claim} data-claim={claim}>
              <th scope="row">
                <code>{claim}</code>
              </th>
              <td>
                <code className="claim-value">{JSON.stringify(value)}</code>
                {TIME_CLAIMS.has(claim) && typeof value === "number" && (
                  <span className="claim-time">
                    <LocalTime epochSeconds={value} />
                  </span>
                )}
              </td>
              <td>
                <Origin claim={claim} sources={sources} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
