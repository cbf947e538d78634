import type { EmulatorOptions, RunningEmulator } from "../../emulator/src/index";
import { startTestEmulator as startEmulatorWithTempDir } from "../../emulator/test/support/emulator";

export type TestEmulator = RunningEmulator & {
  /** Closes the emulator and removes its data dir. */
  stop(): Promise<void>;
};

/** A quiet emulator on a free port, with a data dir (signing key) of its own. */
export async function startTestEmulator(options: Omit<EmulatorOptions, "dataDir"> = {}): Promise<TestEmulator> {
  const { emulator, stop } = await startEmulatorWithTempDir({ log: () => {}, ...options });
  return { ...emulator, stop };
}
