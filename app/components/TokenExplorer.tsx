import { useId, useState } from "react";
import { CurlCommand } from "~/components/CurlCommand";
import { DecodedToken } from "~/components/DecodedToken";

type TokenAnswer =
  { kind: "token"; jwt: string; template: string } | { kind: "error"; status: number; message: string; code?: string };

async function requestToken(template: string): Promise<TokenAnswer> {
  const response = await fetch(`/api/get-token-example?template=${encodeURIComponent(template)}`, {
    headers: { Accept: "application/json" },
  });
  const body = await response.json().catch(() => undefined);
  if (response.ok && typeof body?.token?.jwt === "string") return { kind: "token", jwt: body.token.jwt, template };
  return {
    kind: "error",
    status: response.status,
    message: typeof body?.message === "string" ? body.message : `The server answered HTTP ${response.status}.`,
    code: typeof body?.code === "string" ? body.code : undefined,
  };
}

/**
 * Fetches the resource route with plain `fetch` rather than a Remix fetcher,
 * so that error answers (401, 404, 429 …) are shown here instead of in an
 * error boundary — the same way any other client of the route sees them.
 */
export function TokenExplorer({ templates, defaultTemplate }: { templates: string[]; defaultTemplate: string }) {
  const selectId = useId();
  const [template, setTemplate] = useState(defaultTemplate);
  const [loading, setLoading] = useState(false);
  const [answer, setAnswer] = useState<TokenAnswer>();

  async function getToken() {
    setLoading(true);
    try {
      setAnswer(await requestToken(template));
    } catch {
      setAnswer({ kind: "error", status: 0, message: "The request did not reach the server. Check your connection." });
    } finally {
      setLoading(false);
    }
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
        and returns it.
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
          <>
            <DecodedToken jwt={answer.jwt} />
            <CurlCommand template={answer.template} />
          </>
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
