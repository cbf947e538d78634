import { afterEach } from "vitest";
import type { EmulatorOptions } from "../../src/index";
import { startTestEmulator, type TestEmulator } from "./emulator";

// Apart from emulator.ts because it needs Vitest: Playwright's global setup imports emulator.ts
// (through tests/support/emulator.ts), and importing "vitest" outside Vitest throws.

/** A `start` for the current test file whose emulators are all stopped after each test. */
export function stoppedAfterEachTest(): (options?: EmulatorOptions) => Promise<TestEmulator> {
  const running: TestEmulator[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((test) => test.stop()));
  });
  return async (options = {}) => {
    const test = await startTestEmulator(options);
    running.push(test);
    return test;
  };
}
