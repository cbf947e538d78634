import type { SignatureCheck } from "~/explorer/signature";

/** Whether the token's signature verifies against the instance's public keys, in words. */
export function SignatureStatus({ check }: { check: SignatureCheck | undefined }) {
  if (!check) return <p className="signature-status">Checking the signature against the instance&apos;s keys…</p>;
  switch (check.status) {
    case "verified":
      return (
        <p className="signature-status signature-ok" data-testid="signature-status">
          ✓ Signature verified ({check.alg}) with the instance&apos;s public key <code>{check.kid}</code> from{" "}
          <code>/v1/jwks</code>.
        </p>
      );
    case "invalid":
      return (
        <p className="signature-status signature-bad" data-testid="signature-status">
          ✗ The signature does not verify with the instance&apos;s public key <code>{check.kid}</code>.
        </p>
      );
    case "own-key":
      return (
        <p className="signature-status" data-testid="signature-status">
          Signed with the template&apos;s own key ({check.alg}), not one of the instance&apos;s keys in{" "}
          <code>/v1/jwks</code>: only whoever holds that key can verify it.
        </p>
      );
    case "unavailable":
      return (
        <p className="signature-status signature-bad" data-testid="signature-status">
          The instance&apos;s public keys could not be read, so the signature was not checked.
        </p>
      );
  }
}
