import type { RunningEmulator } from "../emulator/src/index";

// Response bodies vary per endpoint; callers read them field by field.
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
