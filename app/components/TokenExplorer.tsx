import { Link } from "@remix-run/react";
import { lazy, Suspense, useId, useState } from "react";
import { requestToken, type TokenAnswer } from "~/explorer/request-token";
import { requestSignatureCheck } from "~/explorer/request-signature-check";
import type { SignatureCheck } from "~/explorer/signature";

// The token's view is loaded with the first token asked for, in parallel with that request, not
// with the page: the home page's first load leaves it out (docs/performance.md#the-home-page).
const loadTokenResult = () => import("~/components/TokenResult");
const TokenResult = lazy(() => loadTokenResult().then((module) => ({ default: module.TokenResult })));

/**
 * Fetches the resource route with plain `fetch` rather than a Remix fetcher,
 * so that error answers are shown here instead of in an error boundary; then
 * asks the server whether the token's signature verifies.
 */
export function TokenExplorer({ templates, defaultTemplate }: { templates: string[]; defaultTemplate: string }) {
  const selectId = useId();
  const [template, setTemplate] = useState(defaultTemplate);
  const [loading, setLoading] = useState(false);
  const [answer, setAnswer] = useState<TokenAnswer>();
  const [signature, setSignature] = useState<SignatureCheck>();

  async function getToken() {
    setLoading(true);
    setSignature(undefined);
    void loadTokenResult();
    const received = await requestToken(template);
    setAnswer(received);
    setLoading(false);
    if (received.kind === "token") setSignature(await requestSignatureCheck(received.jwt));
  }

  return (
    <section className="explorer">
      <h1>Token explorer</h1>
      <p>
        Pick a JWT template and ask the server for a token. The server calls{" "}
        <code>
          clerkClient.sessions.
          <wbr />
          getToken(
          <wbr />
          sessionId, <wbr />
          template)
        </code>{" "}
        and returns it. The instance&apos;s templates are listed in <Link to="/templates">JWT templates</Link>.
      </p>
      <div className="explorer-controls">
        <label htmlFor={selectId}>JWT template</label>
        <select id={selectId} value={template} onChange={(event) => setTemplate(event.target.value)}>
          {templates.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
        <button type="button" onClick={getToken} disabled={loading}>
          {loading ? "Getting token…" : "Get token"}
        </button>
      </div>
      <div className="explorer-result" aria-live="polite">
        {answer?.kind === "token" && (
          <Suspense fallback={<p>Decoding the token…</p>}>
            <TokenResult answer={answer} signature={signature} />
          </Suspense>
        )}
        {answer?.kind === "error" && (
          <div className="error-box" role="alert">
            <strong>{answer.status ? `HTTP ${answer.status}` : "Network error"}</strong>
            {answer.code && <code>{answer.code}</code>}
            <p>{answer.message}</p>
          </div>
        )}
      </div>
    </section>
  );
}
