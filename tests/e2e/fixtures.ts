import { test as base, expect } from "@playwright/test";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * Every test runs offline: a request to any host but this machine is blocked
 * and fails the test.
 */
export const test = base.extend({
  baseURL: async ({ baseURL }, use) => use(process.env.E2E_APP_URL ?? baseURL),
  context: async ({ context }, use) => {
    const outside: string[] = [];
    await context.route("**/*", (route) => {
      const url = new URL(route.request().url());
      if (LOOPBACK.has(url.hostname)) return route.continue();
      outside.push(url.href);
      return route.abort("blockedbyclient");
    });
    await use(context);
    expect(outside, "requests to hosts other than 127.0.0.1").toEqual([]);
  },
});

export { expect };

/** A session token minted by the emulator's Backend API, as Clerk would for a signed-in browser. */
export async function mintSessionToken(sessionId: string): Promise<{ jwt: string; iat: number }> {
  const response = await fetch(`${process.env.E2E_EMULATOR_URL}/v1/sessions/${sessionId}/tokens`, {
    method: "POST",
    headers: { Authorization: `Bearer ${process.env.E2E_EMULATOR_SECRET_KEY}` },
  });
  const { jwt } = (await response.json()) as { jwt: string };
  const { iat } = JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString()) as { iat: number };
  return { jwt, iat };
}
