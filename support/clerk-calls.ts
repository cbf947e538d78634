/** `POST /v1/sessions/{id}/tokens/{template}` in the emulator's log: one Clerk getToken call for a template. */
const TEMPLATE_TOKEN_CALL = /^POST \/v1\/sessions\/([^/\s]+)\/tokens\/([^/\s]+) (\d+) /;

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

export interface TemplateTokenCall {
  sessionId: string;
  template: string;
  /** What the emulator answered: 200 (a token minted), or a fault it injected (429, 5xx), 404… */
  status: number;
}

/** Every template-token call an emulator serves, with its session, template and status: pass `log` to startEmulator. */
export function templateTokenCallLog() {
  const calls: TemplateTokenCall[] = [];
  return {
    calls,
    log(line: string) {
      const [, sessionId, template, status] = line.match(TEMPLATE_TOKEN_CALL) ?? [];
      if (sessionId && template) calls.push({ sessionId, template, status: Number(status) });
    },
  };
}
