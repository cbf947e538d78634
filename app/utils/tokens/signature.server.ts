import { compactVerify, createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet } from "jose";
import { clerkClient } from "~/utils/clerk/client.server";
import { withinBudget } from "~/utils/clerk/budget.server";
import { config } from "~/utils/config/config.server";
import type { SignatureCheck } from "~/explorer/signature";

/** As long as @clerk/backend keeps the instance's keys: they change only when rotated. */
const JWKS_MAX_AGE_MS = 5 * 60 * 1000;

let cachedJwks: { keys: JSONWebKeySet; fetchedAt: number } | undefined;

/** The instance's public keys, `GET /v1/jwks` through the one Clerk client. */
async function instanceJwks(): Promise<JSONWebKeySet> {
  if (cachedJwks && performance.now() - cachedJwks.fetchedAt < JWKS_MAX_AGE_MS) return cachedJwks.keys;
  const jwks = await withinBudget(() => clerkClient.jwks.getJwks(), config.apiTimeoutMs);
  cachedJwks = { keys: jwks as JSONWebKeySet, fetchedAt: performance.now() };
  return cachedJwks.keys;
}

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
  let jwks: JSONWebKeySet;
  try {
    jwks = await instanceJwks();
  } catch (error) {
    console.error(`[explorer] Reading /v1/jwks failed: ${error instanceof Error ? error.name : typeof error}`);
    return { status: "unavailable" };
  }
  const kid = header.kid;
  if (kid === undefined || !jwks.keys.some((key) => key.kid === kid)) return { status: "own-key", alg };
  try {
    await compactVerify(jwt, createLocalJWKSet(jwks));
    return { status: "verified", alg, kid };
  } catch {
    return { status: "invalid", alg, kid };
  }
}
