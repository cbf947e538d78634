import { Link } from "@remix-run/react";
import { CurlCommand } from "~/components/CurlCommand";
import { DecodedToken } from "~/components/DecodedToken";
import { MintedFor } from "~/components/MintedFor";
import type { TokenAnswer } from "~/explorer/request-token";
import type { SignatureCheck } from "~/explorer/signature";

/** What the explorer shows for a token: for whom it was minted, its parts decoded, and how to fetch it yourself. */
export function TokenResult({
  answer,
  signature,
}: {
  answer: Extract<TokenAnswer, { kind: "token" }>;
  signature: SignatureCheck | undefined;
}) {
  return (
    <>
      <MintedFor organization={answer.organization} />
      <DecodedToken jwt={answer.jwt} signature={signature} />
      <CurlCommand template={answer.template} />
      <p>
        The same retrieval in a page loader, rendered on the server:{" "}
        <Link to={`/tokens/${encodeURIComponent(answer.template)}`}>/tokens/{answer.template}</Link>
      </p>
    </>
  );
}
