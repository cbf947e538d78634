import { compactVerify, createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet } from "jose";
import { clerkClient } from "~/utils/clerk/client.server";
import { withinBudget } from "~/utils/clerk/budget.server";
import { config } from "~/utils/config/config.server";
import { hasKey, JwksCache } from "~/utils/tokens/jwks-cache.server";
import type { SignatureCheck } from "~/explorer/signature";

/** The instance's public keys, `GET /v1/jwks` through the one Clerk client. */
const instanceJwks = new JwksCache(
  async () => (await withinBudget(() => clerkClient.jwks.getJwks(), config.apiTimeoutMs)) as JSONWebKeySet,
);

/**
 * Checks the signature only (an expired token still verifies): against the
 * instance's keys when the header names one of them; otherwise the template
 * has its own signing key, which only its owner holds.
 */
export async function checkSignature(jwt: string): Promise<SignatureCheck> {
  let header;
  try {
    header = decodeProtectedHeader(jwt);
  } catch {
    return { status: "invalid", alg: "unknown", kid: "" };
  }
  const alg = header.alg ?? "unknown";
  const kid = header.kid;
  // The instance's keys all have an id: a token without one was signed with the template's own key.
  if (kid === undefined) return { status: "own-key", alg };
  let jwks: JSONWebKeySet;
  try {
    jwks = await instanceJwks.keysFor(kid);
  } catch (error) {
    console.error(`[explorer] Reading /v1/jwks failed: ${error instanceof Error ? error.name : typeof error}`);
    return { status: "unavailable" };
  }
  if (!hasKey(jwks, kid)) return { status: "own-key", alg };
  try {
    await compactVerify(jwt, createLocalJWKSet(jwks));
    return { status: "verified", alg, kid };
  } catch {
    return { status: "invalid", alg, kid };
  }
}
