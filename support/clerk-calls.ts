/** `POST /v1/sessions/{id}/tokens/{template}` in the emulator's log: one Clerk getToken call for a template. */
const TEMPLATE_TOKEN_CALL = /^POST \/v1\/sessions\/([^/\s]+)\/tokens\/[^/\s]+ /;

/**
 * Counts the template-token calls an emulator serves, from its one line per
 * request: pass `log` to startEmulator, and call `since()` where counting starts.
 * With `sessionIds`, only the calls for those sessions count (so that two
 * fleets asking for different sessions can be measured at once).
 */
export function templateTokenCallCounter(sessionIds?: Iterable<string>) {
  const only = sessionIds === undefined ? undefined : new Set(sessionIds);
  let count = 0;
  return {
    log(line: string) {
      const call = TEMPLATE_TOKEN_CALL.exec(line);
      if (call && (!only || only.has(call[1]!))) count += 1;
    },
    /** A function telling how many calls were served between this call and its own. */
    since() {
      const start = count;
      return () => count - start;
    },
  };
}
