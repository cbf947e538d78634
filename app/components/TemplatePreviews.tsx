import { Link } from "@remix-run/react";
import { decodeJwt } from "jose";
import { ClaimsTable } from "~/components/ClaimsTable";
import type { PreviewAccount, TemplatePreview, TemplatePreviews as Previews } from "~/templates/previews";
import type { TemplateSummary } from "~/templates/summary";

function AccountHeading({ account }: { account: PreviewAccount }) {
  if (!account) return <h3>Personal account</h3>;
  return (
    <h3>
      {account.name} <code>{account.slug ?? account.id}</code>
      {account.role && (
        <>
          {" "}
          as <code>{account.role}</code>
        </>
      )}
    </h3>
  );
}

function OnePreview({ preview, template }: { preview: TemplatePreview; template: TemplateSummary }) {
  return (
    <section className="template-preview" data-preview={preview.account?.slug ?? "personal"}>
      <AccountHeading account={preview.account} />
      {"jwt" in preview ? (
        <ClaimsTable claims={decodeJwt(preview.jwt)} sources={template.claims} />
      ) : (
        <div className="error-box" role="alert">
          <strong>HTTP {preview.status}</strong> <code>{preview.code}</code>
          <p>{preview.message}</p>
        </div>
      )}
    </section>
  );
}

/**
 * The saved template's token for the personal account and for each of the user's organizations,
 * claim by claim beside the shortcode or literal that produced it.
 */
export function TemplatePreviews({
  template,
  answer,
}: {
  template: TemplateSummary;
  answer: Previews | { status: number; code?: string; message: string } | undefined;
}) {
  if (!answer) return <p>Minting tokens from the saved template…</p>;
  if (!("previews" in answer)) {
    return (
      <div className="error-box" role="alert">
        <strong>HTTP {answer.status}</strong> {answer.code && <code>{answer.code}</code>}
        <p>{answer.message}</p>
      </div>
    );
  }
  return (
    <>
      <p>
        Fresh tokens from <code>{template.name}</code> for you: your personal account and each of your organizations,
        minted through Clerk&apos;s Backend API. Claims marked Clerk are Clerk&apos;s own; the template cannot change
        them.
      </p>
      {answer.previews.map((preview) => (
        <OnePreview key={preview.account?.id ?? "personal"} preview={preview} template={template} />
      ))}
      {answer.notPreviewed > 0 && <p>…and {answer.notPreviewed} more organizations, not previewed.</p>}
      <p>
        <Link to={`/?template=${encodeURIComponent(template.name)}`}>Open this template in the token explorer</Link>
      </p>
    </>
  );
}
