import { rm } from "node:fs/promises";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../src/index";
import { makeTempDir } from "./tmp";

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

// Response bodies vary per endpoint; the tests assert on them field by field.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ResponseBody = any;

/** A Backend API call with the emulator's secret key unless the caller passes its own headers. */
export async function callBackendApi(
  emulator: Pick<RunningEmulator, "apiUrl" | "secretKey">,
  method: string,
  path: string,
  options: { body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: ResponseBody; headers: Headers }> {
  const headers = options.headers ?? {
    Authorization: `Bearer ${emulator.secretKey}`,
    "Content-Type": "application/json",
  };
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const response = await fetch(`${emulator.apiUrl}${path}`, { method, headers, body });
  return { status: response.status, body: await response.json(), headers: response.headers };
}
