import { useAuth } from "@clerk/remix";
import { decodeJwt } from "jose";
import { useCallback, useEffect, useState } from "react";
import { CopyButton } from "~/components/CopyButton";
import { ExpiryCountdown } from "~/components/ExpiryCountdown";
import { LocalTime } from "~/components/LocalTime";

function expOf(jwt: string): number | undefined {
  try {
    return decodeJwt(jwt).exp;
  } catch {
    return undefined;
  }
}

/**
 * A ready-to-paste curl call of the resource route with the browser's current
 * session token as a Bearer token — how a native app or another origin calls it.
 * Session tokens live 60 s: the command shows how long its token has left and,
 * once it has expired, holds a new one and says the copied one stopped working.
 */
export function CurlCommand({ template }: { template: string }) {
  const { getToken } = useAuth();
  const [sessionToken, setSessionToken] = useState<string | null>(null);
  /** When the token in a command copied earlier expired, once it has been replaced. */
  const [expiredAt, setExpiredAt] = useState<number>();
  const [origin, setOrigin] = useState("");
  const exp = sessionToken ? expOf(sessionToken) : undefined;

  const refresh = useCallback(async () => setSessionToken(await getToken()), [getToken]);

  useEffect(() => {
    setOrigin(window.location.origin);
    void refresh();
  }, [refresh, template]);

  useEffect(() => {
    // A token that arrives expired (this browser's clock is ahead) is shown as such, not replaced again and again.
    if (exp === undefined || exp * 1000 <= Date.now()) return;
    // Just past its expiry: a token newly minted by Clerk (skipCache), not the one clerk-js holds.
    const timer = setTimeout(
      async () => {
        const next = await getToken({ skipCache: true });
        setExpiredAt(exp);
        setSessionToken(next);
      },
      exp * 1000 - Date.now() + 500,
    );
    return () => clearTimeout(timer);
  }, [exp, getToken]);

  const url = `${origin}/api/get-token-example?template=${encodeURIComponent(template)}`;
  const command = `curl -H "Authorization: Bearer ${sessionToken ?? "<session token>"}" "${url}"`;
  return (
    <div className="curl-command">
      <div className="section-heading">
        <h2>Call it with curl</h2>
        <CopyButton text={command} label="Copy the curl command" />
        <button type="button" className="button-secondary" onClick={refresh}>
          Refresh session token
        </button>
      </div>
      <p data-testid="curl-lifetime">
        {exp !== undefined && (
          <>
            Its session token <ExpiryCountdown exp={exp} testId="curl-countdown" />.{" "}
            {"Clerk's session tokens live 60 s: a copied command works that long (and Clerk's 5 s allowance for clock " +
              "skew), then answers 401 "}
            <code>token_expired</code>.
          </>
        )}
        {expiredAt !== undefined && (
          <span data-testid="curl-replaced">
            {" "}
            This command holds a new one; a copy made before <LocalTime epochSeconds={expiredAt} /> has expired.
          </span>
        )}
      </p>
      <pre data-testid="curl-command">{command}</pre>
    </div>
  );
}
