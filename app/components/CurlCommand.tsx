import { useAuth } from "@clerk/remix";
import { useEffect, useState } from "react";
import { CopyButton } from "~/components/CopyButton";

/**
 * A ready-to-paste curl call of the resource route with the browser's current
 * session token as a Bearer token — how a native app or another origin calls it.
 * Session tokens are short-lived: "Refresh" fetches a current one.
 */
export function CurlCommand({ template }: { template: string }) {
  const { getToken } = useAuth();
  const [sessionToken, setSessionToken] = useState<string | null>(null);
  const [origin, setOrigin] = useState("");

  async function refresh() {
    setSessionToken(await getToken());
  }

  useEffect(() => {
    setOrigin(window.location.origin);
    void getToken().then(setSessionToken);
  }, [getToken, template]);

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
      <pre data-testid="curl-command">{command}</pre>
    </div>
  );
}
