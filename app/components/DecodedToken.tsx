import { decodeJwt, decodeProtectedHeader } from "jose";
import { useMemo } from "react";

const TIME_CLAIMS = ["iat", "nbf", "exp"] as const;

function decode(jwt: string) {
  try {
    return { header: decodeProtectedHeader(jwt), claims: decodeJwt(jwt) };
  } catch {
    return undefined;
  }
}

/** The raw JWT and what it says, decoded in the browser (not verified: the server already did that). */
export function DecodedToken({ jwt }: { jwt: string }) {
  const decoded = useMemo(() => decode(jwt), [jwt]);
  return (
    <div className="decoded-token">
      <h2>JWT</h2>
      <pre className="jwt" data-testid="jwt">
        {jwt}
      </pre>
      {decoded ? (
        <>
          <h2>Header</h2>
          <pre data-testid="jwt-header">{JSON.stringify(decoded.header, null, 2)}</pre>
          <h2>Claims</h2>
          <pre data-testid="jwt-claims">{JSON.stringify(decoded.claims, null, 2)}</pre>
          <dl className="token-times">
            {TIME_CLAIMS.filter((claim) => typeof decoded.claims[claim] === "number").map((claim) => (
              <div key={claim}>
                <dt>{claim}</dt>
                <dd>{new Date((decoded.claims[claim] as number) * 1000).toISOString()}</dd>
              </div>
            ))}
          </dl>
        </>
      ) : (
        <p role="alert">This token could not be decoded.</p>
      )}
    </div>
  );
}
