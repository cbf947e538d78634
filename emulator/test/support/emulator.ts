import { rm } from "node:fs/promises";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../src/index";
import { makeTempDir } from "../../../support/temp-dir";

export interface TestEmulator {
  emulator: RunningEmulator;
  dataDir: string;
  /** Every line the emulator logged. */
  logLines: string[];
  /** Stops the emulator and removes its data dir. */
  stop(): Promise<void>;
}

/** An emulator on a free port with its own temporary data dir and a log collector. */
export async function startTestEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  const dataDir = options.dataDir ?? (await makeTempDir("clerk-emulator-test-")).dir;
  const logLines: string[] = [];
  const emulator = await startEmulator({ port: 0, log: (line) => logLines.push(line), ...options, dataDir });
  return {
    emulator,
    dataDir,
    logLines,
    async stop() {
      await emulator.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
