import type { RunningEmulator } from "../emulator/src/index";
import { callBackendApi } from "./backend-api";
import { offlineClerkEnv, SEEDED_TEMPLATES } from "../scripts/offline-clerk";

export { SEEDED_TEMPLATES };

/** The environment an app needs to talk to this emulator: exactly what `npm run dev` sets. */
export function appEnvFor(emulator: RunningEmulator, overrides: Record<string, string> = {}): Record<string, string> {
  return { ...offlineClerkEnv(emulator), CLERK_JWT_TEMPLATES: SEEDED_TEMPLATES.join(","), ...overrides };
}

type BackendApiAccess = Pick<RunningEmulator, "apiUrl" | "secretKey">;

/** A POST to the emulator's Backend API with its secret key, which must succeed: the answer's body. */
async function postToBackendApi(emulator: BackendApiAccess, path: string, what: string) {
  const { status, body } = await callBackendApi(emulator, "POST", path);
  if (status < 200 || status >= 300) throw new Error(`${what} failed: HTTP ${status}`);
  return body;
}

/** A session token for a seeded session, minted by the emulator's Backend API like Clerk would. */
export async function mintSessionToken(emulator: BackendApiAccess, sessionId: string): Promise<string> {
  const { jwt } = await postToBackendApi(emulator, `/v1/sessions/${sessionId}/tokens`, "Minting a session token");
  return jwt;
}

/** Revokes a session through the emulator's Backend API, as the Clerk Dashboard or an admin would. */
export async function revokeSession(emulator: BackendApiAccess, sessionId: string): Promise<void> {
  await postToBackendApi(emulator, `/v1/sessions/${sessionId}/revoke`, `Revoking ${sessionId}`);
}
