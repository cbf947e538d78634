import { decodeJwt, decodeProtectedHeader } from "jose";
import { useMemo } from "react";
import { CopyButton } from "~/components/CopyButton";
import { ExpiryCountdown } from "~/components/ExpiryCountdown";
import { LocalTime } from "~/components/LocalTime";

const TIME_CLAIMS = { iat: "Issued at", nbf: "Not before", exp: "Expires at" } as const;

function decode(jwt: string) {
  try {
    return { header: decodeProtectedHeader(jwt), claims: decodeJwt(jwt) };
  } catch {
    return undefined;
  }
}

/** The raw JWT and what it says, decoded (not verified: the server got it from Clerk). */
export function DecodedToken({ jwt }: { jwt: string }) {
  const decoded = useMemo(() => decode(jwt), [jwt]);
  const { exp } = decoded?.claims ?? {};
  return (
    <div className="decoded-token">
      <div className="section-heading">
        <h2>JWT</h2>
        <CopyButton text={jwt} label="Copy the JWT" />
      </div>
      <pre className="jwt" data-testid="jwt">
        {jwt}
      </pre>
      {decoded ? (
        <>
          <dl className="token-times">
            {Object.entries(TIME_CLAIMS).map(([claim, label]) => {
              const value = decoded.claims[claim];
              if (typeof value !== "number") return null;
              return (
                <div key={claim}>
                  <dt>
                    {label} <code>{claim}</code>
                  </dt>
                  <dd>
                    <LocalTime epochSeconds={value} />
                  </dd>
                </div>
              );
            })}
          </dl>
          {typeof exp === "number" && <ExpiryCountdown exp={exp} />}
          <h2>Header</h2>
          <pre data-testid="jwt-header">{JSON.stringify(decoded.header, null, 2)}</pre>
          <h2>Claims</h2>
          <pre data-testid="jwt-claims">{JSON.stringify(decoded.claims, null, 2)}</pre>
        </>
      ) : (
        <p role="alert">This token could not be decoded.</p>
      )}
    </div>
  );
}
