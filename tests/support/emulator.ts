import type { EmulatorOptions, RunningEmulator } from "../../emulator/src/index";
import { startTestEmulator as startEmulatorWithTempDir } from "../../emulator/test/support/emulator";
import { offlineSecretKey } from "../../scripts/offline-clerk";

export type TestEmulator = RunningEmulator & {
  /** Closes the emulator and removes its data dir. */
  stop(): Promise<void>;
};

/** A quiet emulator on a free port, with a data dir (signing key) of its own. */
export async function startTestEmulator(options: Omit<EmulatorOptions, "dataDir"> = {}): Promise<TestEmulator> {
  const { emulator, stop } = await startEmulatorWithTempDir({ log: () => {}, ...options });
  return { ...emulator, stop };
}

/** An emulator with the secret key `npm run dev` gives it (sk_test_), so that the studio may edit through it. */
export function startLaunchedEmulator(options: Omit<EmulatorOptions, "dataDir" | "secretKey"> = {}) {
  return startTestEmulator({ ...options, secretKey: offlineSecretKey() });
}
