import type { RunningEmulator } from "../../emulator/src/index";
import { offlineClerkEnv, SEEDED_TEMPLATES } from "../../scripts/offline-clerk";

export { SEEDED_TEMPLATES };

/** The environment an app needs to talk to this emulator: exactly what `npm run dev` sets. */
export function appEnvFor(emulator: RunningEmulator, overrides: Record<string, string> = {}): Record<string, string> {
  return { ...offlineClerkEnv(emulator), CLERK_JWT_TEMPLATES: SEEDED_TEMPLATES.join(","), ...overrides };
}

/** A session token for a seeded session, minted by the emulator's Backend API like Clerk would. */
export async function mintSessionToken(
  emulator: Pick<RunningEmulator, "apiUrl" | "secretKey">,
  sessionId: string,
): Promise<string> {
  const response = await fetch(`${emulator.apiUrl}/v1/sessions/${sessionId}/tokens`, {
    method: "POST",
    headers: { Authorization: `Bearer ${emulator.secretKey}`, "Content-Type": "application/json" },
  });
  if (!response.ok) throw new Error(`Minting a session token failed: HTTP ${response.status}`);
  const { jwt } = (await response.json()) as { jwt: string };
  return jwt;
}

/** Revokes a session through the emulator's Backend API, as the Clerk Dashboard or an admin would. */
export async function revokeSession(
  emulator: Pick<RunningEmulator, "apiUrl" | "secretKey">,
  sessionId: string,
): Promise<void> {
  const response = await fetch(`${emulator.apiUrl}/v1/sessions/${sessionId}/revoke`, {
    method: "POST",
    headers: { Authorization: `Bearer ${emulator.secretKey}` },
  });
  if (!response.ok) throw new Error(`Revoking ${sessionId} failed: HTTP ${response.status}`);
}
