import { afterAll, expect, it, vi } from "vitest";
import { appEnvFor } from "../../support/clerk-env";
import { startTestEmulator, type TestEmulator } from "../support/emulator";

/**
 * `npm run dev` imports each rebuild of the server afresh (server/dev-reload.ts),
 * running module-level code again: the template list's periodic refresh must
 * stay one timer per process, not one more per rebuild.
 */

let emulator: TestEmulator | undefined;
afterAll(async () => {
  vi.restoreAllMocks();
  await emulator?.stop();
});

it("keeps one periodic template-list refresh however often the module is imported again", async () => {
  emulator = await startTestEmulator();
  Object.assign(process.env, appEnvFor(emulator, { CLERK_JWT_TEMPLATES: "*" }));
  const running = new Set<unknown>();
  const setInterval = globalThis.setInterval;
  const clearInterval = globalThis.clearInterval;
  vi.spyOn(globalThis, "setInterval").mockImplementation(((...args: Parameters<typeof setInterval>) => {
    const timer = setInterval(...args);
    running.add(timer);
    return timer;
  }) as typeof setInterval);
  vi.spyOn(globalThis, "clearInterval").mockImplementation((timer) => {
    running.delete(timer);
    clearInterval(timer);
  });

  for (let build = 0; build < 3; build++) {
    vi.resetModules();
    await import("~/utils/templates/instance-names.server");
  }
  expect(running.size).toBe(1);
});
