/** `POST /v1/sessions/{id}/tokens/{template}` in the emulator's log: one Clerk getToken call for a template. */
const TEMPLATE_TOKEN_CALL = /^POST \/v1\/sessions\/[^/\s]+\/tokens\/[^/\s]+ /;

/**
 * Counts the template-token calls an emulator serves, from its one line per
 * request: pass `log` to startEmulator, and call `since()` where counting starts.
 */
export function templateTokenCallCounter() {
  let count = 0;
  return {
    log(line: string) {
      if (TEMPLATE_TOKEN_CALL.test(line)) count += 1;
    },
    /** A function telling how many calls were served between this call and its own. */
    since() {
      const start = count;
      return () => count - start;
    },
  };
}
