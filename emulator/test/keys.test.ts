import { readFile, readdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { importSPKI, exportJWK } from "jose";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  frontendApiHostOf,
  jwtKeyPem,
  loadOrCreateInstanceKeys,
  publicJwkOf,
  publishableKeyFor,
} from "../src/tokens/keys";
import { makeTempDir } from "../../support/temp-dir";

describe("publishable key", () => {
  it("is pk_live_ + base64 of the frontend API host and $", () => {
    const key = publishableKeyFor(frontendApiHostOf("127.0.0.1", 4010));
    expect(key).toBe("pk_live_MTI3LjAuMC4xOjQwMTAk");
    expect(Buffer.from(key.slice("pk_live_".length), "base64").toString()).toBe("127.0.0.1:4010$");
  });

  it("needs a host with a dot, which Clerk's SDKs require", () => {
    expect(() => frontendApiHostOf("localhost", 4010)).toThrow(/must contain a dot.*not localhost/);
  });
});

describe("instance keys", () => {
  let dataDir: string;
  let removeDataDir: () => Promise<void>;
  beforeEach(async () => {
    ({ dir: dataDir, remove: removeDataDir } = await makeTempDir("clerk-emulator-keys-"));
  });
  afterEach(() => removeDataDir());

  it("are generated once, kept in instance.json, and read back unchanged", async () => {
    const dir = path.join(dataDir, "nested");
    const created = await loadOrCreateInstanceKeys(dir);
    expect(created.secretKey).toMatch(/^sk_live_[\w-]{20,}$/);
    expect(created.privateJwk).toMatchObject({ kty: "RSA", alg: "RS256", kid: expect.stringMatching(/^ins_/) });

    const file = path.join(dir, "instance.json");
    expect(JSON.parse(await readFile(file, "utf8"))).toEqual(created);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await loadOrCreateInstanceKeys(dir)).toEqual(created);
  });

  it("are the same for emulators that start at the same moment", async () => {
    const all = await Promise.all(Array.from({ length: 4 }, () => loadOrCreateInstanceKeys(dataDir)));
    for (const keys of all) expect(keys).toEqual(all[0]);
    expect(await readdir(dataDir)).toEqual(["instance.json"]);
  });

  it("derive CLERK_JWT_KEY as the SPKI PEM of the public JWK", async () => {
    const { privateJwk } = await loadOrCreateInstanceKeys(dataDir);
    const pem = await jwtKeyPem(privateJwk);
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n?$/);
    const fromPem = await exportJWK(await importSPKI(pem, "RS256", { extractable: true }));
    expect(fromPem).toMatchObject({ n: privateJwk.n, e: privateJwk.e });
    expect(publicJwkOf(privateJwk)).toEqual({
      kty: "RSA",
      n: privateJwk.n,
      e: privateJwk.e,
      kid: privateJwk.kid,
      alg: "RS256",
      use: "sig",
    });
  });

  it("refuse a damaged instance file rather than replacing it", async () => {
    await writeFile(path.join(dataDir, "instance.json"), JSON.stringify({ secretKey: "nope" }));
    await expect(loadOrCreateInstanceKeys(dataDir)).rejects.toThrow(/not a valid emulator instance file/);
  });
});
