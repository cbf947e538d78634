import { ClerkFailed, ClerkLoading } from "@clerk/remix";
import { useRouteLoaderData } from "@remix-run/react";
import { useEffect, useState } from "react";

/** Before this, say nothing: Clerk's form usually appears sooner, and a flash of "Loading" is noise. */
const LOADING_AFTER_MS = 500;
/** Past this with no form, say it is not coming: a visitor should not wait 10 s at a blank page. */
const GIVE_UP_AFTER_MS = 8000;
const CHECK_EVERY_MS = 250;

/** clerk-js's script, whichever host serves it (`…/clerk.browser.js`, or a variant such as `clerk.headless.browser.js`). */
const CLERK_JS_SCRIPT = /\/clerk(\.[\w-]+)?\.browser\.js(\?|$)/;

/**
 * Whether a request for clerk-js has failed already, as the browser timed it: an error status, or from this
 * origin (the Frontend API proxy) no body at all. Another origin's sizes are hidden without Timing-Allow-Origin,
 * so there only the status counts. Clerk retries a failed script and removes its element; the timings stay.
 */
function clerkScriptFailed(): boolean {
  return (performance.getEntriesByType("resource") as PerformanceResourceTiming[]).some(
    (entry) =>
      CLERK_JS_SCRIPT.test(entry.name) &&
      (entry.responseStatus >= 400 ||
        (new URL(entry.name).origin === location.origin && entry.responseEnd > 0 && entry.decodedBodySize === 0)),
  );
}

function CouldNotLoad({ what }: { what: string }) {
  const offline = useRouteLoaderData<{ usesOfflineEmulator?: boolean }>("root")?.usesOfflineEmulator;
  return (
    <div className="error-box clerk-load-failed" role="alert">
      <h1>Clerk&apos;s {what} form could not be loaded</h1>
      <p>
        {offline
          ? "The offline Clerk emulator is not answering. Is npm run dev still running? Start it again, then try again."
          : "Clerk could not be reached from this browser: the network, an outage at Clerk, or a Content-Security-Policy " +
            "that blocks clerk-js (docs/real-clerk.md)."}
      </p>
      <p>
        <button type="button" onClick={() => window.location.reload()}>
          Try again
        </button>
      </p>
    </div>
  );
}

/** While clerk-js loads: after a moment, that it is loading; once its script failed, or after 8 s, that it will not. */
function WhileLoading({ what }: { what: string }) {
  const [phase, setPhase] = useState<"quiet" | "loading" | "failed">("quiet");
  useEffect(() => {
    const started = Date.now();
    const timer = setInterval(() => {
      const waited = Date.now() - started;
      if (clerkScriptFailed() || waited >= GIVE_UP_AFTER_MS) setPhase("failed");
      else if (waited >= LOADING_AFTER_MS) setPhase((current) => (current === "quiet" ? "loading" : current));
    }, CHECK_EVERY_MS);
    return () => clearInterval(timer);
  }, []);
  if (phase === "quiet") return null;
  if (phase === "loading") return <p role="status">Loading Clerk&apos;s {what} form…</p>;
  return <CouldNotLoad what={what} />;
}

/**
 * What a sign-in or sign-up page shows while Clerk's form is not there, instead of a
 * blank page: Clerk unreachable, an outage and a CSP that blocks clerk-js look alike.
 * Once clerk-js loads, nothing; once Clerk gives up on it, the same message.
 */
export function ClerkLoadNotice({ what }: { what: string }) {
  return (
    <>
      <ClerkLoading>
        <WhileLoading what={what} />
      </ClerkLoading>
      <ClerkFailed>
        <CouldNotLoad what={what} />
      </ClerkFailed>
    </>
  );
}
