import { decodeJwt, decodeProtectedHeader } from "jose";
import { useId, useMemo } from "react";
import { ClaimsTable } from "~/components/ClaimsTable";
import { CopyButton } from "~/components/CopyButton";
import { ExpiryCountdown } from "~/components/ExpiryCountdown";
import { SignatureStatus } from "~/components/SignatureStatus";
import { TokenSizes } from "~/components/TokenSizes";
import type { SignatureCheck } from "~/explorer/signature";

function decode(jwt: string) {
  try {
    return { header: decodeProtectedHeader(jwt), claims: decodeJwt(jwt) };
  } catch {
    return undefined;
  }
}

/** The three segments, each in its part's colour, as on the decoded side. */
function EncodedToken({ jwt }: { jwt: string }) {
  const [header, payload, signature] = jwt.split(".");
  return (
    <pre className="jwt" data-testid="jwt">
      <span className="part-header">{header}</span>.<span className="part-payload">{payload}</span>.
      <span className="part-signature">{signature}</span>
    </pre>
  );
}

/**
 * The encoded token beside what it says: header, claims (Clerk's marked) and
 * whether the signature verifies, the parts coloured alike on both sides.
 */
export function DecodedToken({ jwt, signature }: { jwt: string; signature?: SignatureCheck }) {
  const decoded = useMemo(() => decode(jwt), [jwt]);
  const encodedHeading = useId();
  const decodedHeading = useId();
  const { exp } = decoded?.claims ?? {};
  return (
    <div className="token-view">
      <section className="token-encoded" aria-labelledby={encodedHeading}>
        <div className="section-heading">
          <h2 id={encodedHeading}>Encoded</h2>
          <CopyButton text={jwt} label="Copy the JWT" />
        </div>
        <EncodedToken jwt={jwt} />
        <TokenSizes jwt={jwt} />
      </section>
      <section className="token-decoded" aria-labelledby={decodedHeading}>
        <h2 id={decodedHeading}>Decoded</h2>
        {decoded ? (
          <>
            <h3 className="part-heading part-header">Header</h3>
            <pre data-testid="jwt-header">{JSON.stringify(decoded.header, null, 2)}</pre>
            <div className="section-heading">
              <h3 className="part-heading part-payload">Claims</h3>
              {typeof exp === "number" && <ExpiryCountdown exp={exp} />}
            </div>
            <ClaimsTable claims={decoded.claims} />
            <details>
              <summary>The claims as JSON</summary>
              <pre data-testid="jwt-claims-json">{JSON.stringify(decoded.claims, null, 2)}</pre>
            </details>
            <h3 className="part-heading part-signature">Signature</h3>
            <SignatureStatus check={signature} />
          </>
        ) : (
          <p role="alert">This token could not be decoded.</p>
        )}
      </section>
    </div>
  );
}
