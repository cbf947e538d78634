import { createClerkClient, verifyToken } from "@clerk/backend";
import { parseEnv } from "node:util";
import { createRemoteJWKSet, decodeProtectedHeader, importJWK, jwtVerify, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appEnvOf, formatEnvLines } from "../src/print-env";
import { specMissingReason, specValidationTitle, validateEveryResponse } from "./support/clerk-openapi";
import { startTestEmulator, type TestEmulator } from "./support/emulator";
import { claimsOf } from "./support/frontend-api";

// @clerk/backend itself, talking to the emulator as it would talk to Clerk.
const spec = validateEveryResponse();
let test: TestEmulator;
let clerk: ReturnType<typeof createClerkClient>;
beforeAll(async () => {
  test = await startTestEmulator();
  clerk = createClerkClient({ secretKey: test.emulator.secretKey, apiUrl: test.emulator.apiUrl });
});
afterAll(() => test.stop());

describe("verifyToken accepts the emulator's session tokens", () => {
  it("with jwtKey (CLERK_JWT_KEY), no network call, though they carry Clerk's `cat` header", async () => {
    const { jwt } = await clerk.sessions.getToken("sess_seed_alice");
    expect(decodeProtectedHeader(jwt).cat).toBe("cl_B7d4PD111AAA");
    const payload = await verifyToken(jwt, { jwtKey: test.emulator.jwtKey });
    expect(payload).toMatchObject({ sid: "sess_seed_alice", sub: "user_seed_alice", v: 2 });
  });

  it("with the one-line CLERK_JWT_KEY the CLI prints, read as a .env file reads it", async () => {
    const { jwt } = await clerk.sessions.getToken("sess_seed_alice");
    const envLine = formatEnvLines(appEnvOf(test.emulator)).find((line) => line.startsWith("CLERK_JWT_KEY="));
    expect(envLine).not.toContain("\n");
    const { CLERK_JWT_KEY: jwtKey } = parseEnv(envLine!);
    expect(jwtKey).toBe(test.emulator.jwtKey);
    await expect(verifyToken(jwt, { jwtKey })).resolves.toMatchObject({ sid: "sess_seed_alice" });
  });

  it("with secretKey and apiUrl, fetching /v1/jwks", async () => {
    const { jwt } = await clerk.sessions.getToken("sess_seed_bob");
    const payload = await verifyToken(jwt, {
      secretKey: test.emulator.secretKey,
      apiUrl: test.emulator.apiUrl,
      skipJwksCache: true,
    });
    expect(payload).toMatchObject({ sid: "sess_seed_bob", sub: "user_seed_bob" });
    expect(test.logLines).toContainEqual(expect.stringMatching(/^GET \/v1\/jwks 200 \d+ms$/));
  });

  it("but not an expired one forged with the instance key", async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({
      sub: "user_seed_alice",
      sid: "sess_seed_alice",
      iat: now - 600,
      nbf: now - 600,
      exp: now - 300,
    })
      .setProtectedHeader({ alg: "RS256", kid: test.emulator.privateJwk.kid })
      .sign(await importJWK(test.emulator.privateJwk, "RS256"));
    await expect(verifyToken(expired, { jwtKey: test.emulator.jwtKey })).rejects.toMatchObject({
      reason: "token-expired",
    });
  });
});

describe("sessions.getToken", () => {
  it('returns a Token for the "test" template that verifies against /v1/jwks', async () => {
    const token = await clerk.sessions.getToken("sess_seed_alice", "test");
    expect(JSON.parse(JSON.stringify(token))).toEqual({ jwt: expect.any(String) });

    const jwks = createRemoteJWKSet(new URL(`${test.emulator.apiUrl}/v1/jwks`), {
      headers: { Authorization: `Bearer ${test.emulator.secretKey}` },
    });
    const { payload } = await jwtVerify(token.jwt, jwks, { audience: "remix-clerk-tokens" });
    expect(payload).toMatchObject({ aud: "remix-clerk-tokens", email: "alice@example.com", sub: "user_seed_alice" });
    expect(payload).not.toHaveProperty("sid");
  });

  it("passes expires_in_seconds", async () => {
    const { jwt } = await clerk.sessions.getToken("sess_seed_alice", "profile", 900);
    const claims = claimsOf(jwt);
    expect(claims.exp - claims.iat).toBe(900);
    expect(claims).toMatchObject({
      role: "admin",
      plan: "pro",
      home_address: "1 Main Street, Springfield",
      theme: "dark",
    });
  });

  it("throws Clerk's API error for an unknown template", async () => {
    const error = await clerk.sessions.getToken("sess_seed_alice", "nope").catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      status: 404,
      clerkTraceId: expect.any(String),
      errors: [
        {
          code: "resource_not_found",
          message: "No JWT template exists with name: nope",
          longMessage: expect.any(String),
        },
      ],
    });
  });
});

describe("other Backend API calls through the SDK", () => {
  it("users.getUser", async () => {
    const user = await clerk.users.getUser("user_seed_alice");
    expect(user).toMatchObject({
      id: "user_seed_alice",
      firstName: "Alice",
      lastName: "Anderson",
      publicMetadata: { role: "admin" },
    });
    expect(user.primaryEmailAddress?.emailAddress).toBe("alice@example.com");
  });

  it("sessions.getSession and revokeSession", async () => {
    const throwaway = await startTestEmulator();
    try {
      const client = createClerkClient({ secretKey: throwaway.emulator.secretKey, apiUrl: throwaway.emulator.apiUrl });
      expect(await client.sessions.getSession("sess_seed_bob")).toMatchObject({
        id: "sess_seed_bob",
        status: "active",
      });
      expect(await client.sessions.revokeSession("sess_seed_bob")).toMatchObject({ status: "revoked" });
      await expect(client.sessions.getToken("sess_seed_bob", "test")).rejects.toMatchObject({ status: 404 });
    } finally {
      await throwaway.stop();
    }
  });

  it("jwtTemplates list, create, update and delete", async () => {
    const { data, totalCount } = await clerk.jwtTemplates.list();
    expect(data.map((template) => template.name)).toEqual(["test", "profile", "partner-hs256", "organization"]);
    expect(totalCount).toBe(4);

    const created = await clerk.jwtTemplates.create({ name: "sdk", claims: { aud: "sdk" }, lifetime: 45 });
    expect(created).toMatchObject({ name: "sdk", lifetime: 45, allowedClockSkew: 5, customSigningKey: false });
    const updated = await clerk.jwtTemplates.update({ templateId: created.id, name: "sdk", claims: { aud: "sdk2" } });
    expect(updated.claims).toEqual({ aud: "sdk2" });
    expect(await clerk.jwtTemplates.delete(created.id)).toMatchObject({ id: created.id, deleted: true });
  });
});

describe.skipIf(specMissingReason !== undefined)(specValidationTitle, () => {
  it("checked the responses @clerk/backend and jose received", () => {
    expect(spec.checkedCount()).toBeGreaterThanOrEqual(15);
  });
});
