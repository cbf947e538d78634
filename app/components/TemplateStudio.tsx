import { Link, useFetcher, useNavigate } from "@remix-run/react";
import { useEffect, useId, useMemo, useRef, useState } from "react";
import { CopyButton } from "~/components/CopyButton";
import { TemplatePreviews } from "~/components/TemplatePreviews";
import { checkClaims, type Finding } from "~/templates/claims-check";
import { requestPreviews } from "~/templates/previews";
import { CLOCK_SKEW_BOUNDS, LIFETIME_BOUNDS, TEMPLATE_NAME_RULE, type TemplateSummary } from "~/templates/summary";

type Editable = Pick<TemplateSummary, "name" | "claims" | "lifetime" | "allowedClockSkew"> & { id?: string };
type SaveAnswer = { saved: TemplateSummary } | { message: string; code: string; findings?: Finding[] };

function Findings({ findings, id }: { findings: Finding[]; id: string }) {
  return (
    <div id={id} aria-live="polite" data-testid="findings">
      {findings.length === 0 ? (
        <p className="findings-ok">✓ Valid claims: every shortcode is one Clerk documents.</p>
      ) : (
        <ul className="findings">
          {findings.map((finding, index) => (
            <li key={index} className={`finding-${finding.level}`}>
              {finding.claim && <code>{finding.claim}</code>} {finding.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function SecondsField(props: { label: string; name: string; value: number; bounds: { min: number; max: number } }) {
  const id = useId();
  return (
    <div>
      <label htmlFor={id}>{props.label}</label>
      <input id={id} name={props.name} type="number" defaultValue={props.value} required {...props.bounds} />
    </div>
  );
}

function Export({ claims }: { claims: Record<string, unknown> | undefined }) {
  const text = claims && JSON.stringify(claims, null, 2);
  return (
    <section className="export" aria-labelledby="export-heading">
      <div className="section-heading">
        <h2 id="export-heading">Export</h2>
        {text && <CopyButton text={text} label="Copy the claims for Clerk's Dashboard" />}
      </div>
      <p>Paste into Clerk&apos;s Dashboard, JWT templates → your template → Claims.</p>
      {text ? <pre data-testid="export">{text}</pre> : <p>Fix the claims to export them.</p>}
    </section>
  );
}

/**
 * Edits a template's claims with the checks shown as you type, saves it
 * through the server (Backend API), then previews freshly minted tokens, for
 * the personal account and each of the user's organizations, claim by claim.
 */
export function TemplateStudio({ initial }: { initial: Editable }) {
  const ids = { name: useId(), nameRule: useId(), claims: useId(), findings: useId() };
  const fetcher = useFetcher<SaveAnswer>();
  const navigate = useNavigate();
  const [claimsText, setClaimsText] = useState(() => JSON.stringify(initial.claims, null, 2));
  const check = useMemo(() => checkClaims(claimsText), [claimsText]);
  const [saved, setSaved] = useState<TemplateSummary>();
  const [previews, setPreviews] = useState<Awaited<ReturnType<typeof requestPreviews>>>();
  const answer = fetcher.state === "idle" ? fetcher.data : undefined;
  const refusal = answer && !("saved" in answer) ? answer : undefined;
  const previewed = useRef<SaveAnswer>();

  useEffect(() => {
    if (!answer || !("saved" in answer) || previewed.current === answer) return;
    previewed.current = answer;
    setSaved(answer.saved);
    setPreviews(undefined);
    // A new template now has an address of its own.
    if (initial.id === undefined) navigate(`/templates/${answer.saved.id}`, { replace: true });
    void requestPreviews(answer.saved.name).then(setPreviews);
  }, [answer, initial.id, navigate]);

  const hasErrors = check.findings.some((finding) => finding.level === "error");
  const templateId = saved?.id ?? initial.id;
  return (
    <section>
      <h1>{templateId ? "Edit a JWT template" : "New JWT template"}</h1>
      <p>
        Saved through Clerk&apos;s Backend API. <Link to="/templates">All templates</Link>
      </p>
      <div className="studio">
        <fetcher.Form method="post" action={`/templates/${templateId ?? "new"}`} className="studio-form">
          <label htmlFor={ids.name}>Name</label>
          <input
            id={ids.name}
            name="name"
            defaultValue={initial.name}
            required
            pattern="[A-Za-z0-9][A-Za-z0-9_\-]{0,63}"
            autoComplete="off"
            aria-describedby={ids.nameRule}
            // The browser's own words ("Please match the requested format") do not say what the format is.
            onInvalid={(event) => event.currentTarget.setCustomValidity(TEMPLATE_NAME_RULE)}
            onInput={(event) => event.currentTarget.setCustomValidity("")}
          />
          <p id={ids.nameRule} className="field-hint">
            1-64 letters, digits, - or _, starting with a letter or digit.
          </p>
          <label htmlFor={ids.claims}>
            Claims (JSON) <span className="field-hint">shortcodes like {"{{user.primary_email_address}}"}</span>
          </label>
          <textarea
            id={ids.claims}
            name="claims"
            value={claimsText}
            onChange={(event) => setClaimsText(event.target.value)}
            aria-describedby={ids.findings}
            aria-invalid={hasErrors}
            spellCheck={false}
          />
          <Findings findings={check.findings} id={ids.findings} />
          <div className="studio-numbers">
            <SecondsField label="Lifetime (s)" name="lifetime" value={initial.lifetime} bounds={LIFETIME_BOUNDS} />
            <SecondsField
              label="Allowed clock skew (s)"
              name="allowedClockSkew"
              value={initial.allowedClockSkew}
              bounds={CLOCK_SKEW_BOUNDS}
            />
          </div>
          {refusal && (
            <div className="error-box" role="alert">
              <code>{refusal.code}</code>
              <p>{refusal.message}</p>
            </div>
          )}
          <p className="actions">
            <button type="submit" disabled={hasErrors || fetcher.state !== "idle"}>
              {fetcher.state === "idle" ? "Save and preview" : "Saving…"}
            </button>
            {saved && fetcher.state === "idle" && <span role="status">Saved {saved.name}.</span>}
          </p>
        </fetcher.Form>
        <div>
          <section aria-labelledby="preview-heading">
            <h2 id="preview-heading">Preview</h2>
            {saved ? (
              <TemplatePreviews template={saved} answer={previews} />
            ) : (
              <p>Save to see a token from this template.</p>
            )}
          </section>
          <Export claims={check.claims} />
        </div>
      </div>
    </section>
  );
}
