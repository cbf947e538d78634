import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../emulator/src/index";
import { makeTempDir } from "./tmp";

export type TestEmulator = RunningEmulator & {
  /** Closes the emulator and removes its data dir. */
  stop(): Promise<void>;
};

/** A quiet emulator on a free port, with a data dir (signing key) of its own. */
export async function startTestEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  const temp = await makeTempDir();
  const emulator = await startEmulator({ port: 0, log: () => {}, ...options, dataDir: temp.dir });
  return {
    ...emulator,
    stop: async () => {
      await emulator.close();
      await temp.remove();
    },
  };
}
