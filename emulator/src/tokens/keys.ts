import { randomBytes } from "node:crypto";
import { link, mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { exportJWK, exportSPKI, generateKeyPair, importJWK, type CryptoKey, type JWK } from "jose";
import { z } from "zod";
import { readTextIfExists } from "../files";

/** What survives a restart: the secret key apps use and the key that signs session tokens. */
export interface InstanceKeys {
  secretKey: string;
  privateJwk: JWK & { kid: string };
}

const INSTANCE_FILE = "instance.json";

const instanceFileSchema = z.object({
  secretKey: z.string().startsWith("sk_"),
  privateJwk: z.looseObject({ kty: z.literal("RSA"), kid: z.string(), n: z.string(), e: z.string(), d: z.string() }),
});

/**
 * Loads the instance keys from `<dataDir>/instance.json`, generating and saving them on
 * first use, so tokens minted before a restart still verify after it.
 */
export async function loadOrCreateInstanceKeys(dataDir: string): Promise<InstanceKeys> {
  const file = path.join(dataDir, INSTANCE_FILE);
  const stored = await readInstanceFile(file);
  if (stored) return stored;

  const keys = await generateInstanceKeys();
  await mkdir(dataDir, { recursive: true });
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(temporary, JSON.stringify(keys, null, 2) + "\n", { mode: 0o600 });
  try {
    // link() fails if the file exists: when two emulators start at once, the first key wins for both.
    await link(temporary, file);
    return keys;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return (await readInstanceFile(file))!;
  } finally {
    await rm(temporary, { force: true });
  }
}

async function readInstanceFile(file: string): Promise<InstanceKeys | undefined> {
  const text = await readTextIfExists(file);
  if (text === undefined) return undefined;
  const parsed = instanceFileSchema.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new Error(`${file} is not a valid emulator instance file: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

async function generateInstanceKeys(): Promise<InstanceKeys> {
  const { privateKey } = await generateKeyPair("RS256", { modulusLength: 2048, extractable: true });
  const privateJwk = { ...(await exportJWK(privateKey)), kid: `ins_${randomBytes(12).toString("hex")}`, alg: "RS256" };
  return { secretKey: `sk_live_${randomBytes(24).toString("base64url")}`, privateJwk };
}

/** The public half of the instance key, as `/v1/jwks` publishes it. */
export function publicJwkOf(privateJwk: JWK): JWK {
  const { kty, n, e, kid } = privateJwk;
  return { kty, n, e, kid, alg: "RS256", use: "sig" };
}

export function importSigningKey(privateJwk: JWK): Promise<CryptoKey> {
  return importJWK(privateJwk, "RS256") as Promise<CryptoKey>;
}

/** `CLERK_JWT_KEY`: the instance public key as an SPKI PEM, for verification without a network call. */
export async function jwtKeyPem(privateJwk: JWK): Promise<string> {
  const publicKey = await importJWK(publicJwkOf(privateJwk), "RS256", { extractable: true });
  return exportSPKI(publicKey as CryptoKey);
}

/** The Frontend API host of an emulator listening on host:port, e.g. `127.0.0.1:4010`. */
export function frontendApiHostOf(host: string, port: number): string {
  // Clerk's SDKs reject a publishable key whose host has no dot ("Publishable key not valid").
  if (!host.includes(".")) {
    throw new Error(
      `The emulator host must contain a dot for Clerk to accept its publishable key: use 127.0.0.1, not ${host}.`,
    );
  }
  return `${host}:${port}`;
}

/**
 * Production instances (`pk_live_`/`sk_live_`) take first-party cookies; development instances
 * (`pk_test_`/`sk_test_`) take the dev browser (see routes/frontend/dev-browser.ts).
 */
export type InstanceKind = "production" | "development";

const KEY_PREFIX: Record<InstanceKind, string> = { production: "live", development: "test" };

/** `pk_live_`/`pk_test_` + base64(`<frontend api host>$`), as Clerk formats publishable keys. */
export function publishableKeyFor(frontendApiHost: string, kind: InstanceKind = "production"): string {
  return `pk_${KEY_PREFIX[kind]}_${Buffer.from(`${frontendApiHost}$`).toString("base64")}`;
}

/** The stored secret key with the kind's prefix: one data dir serves either kind. */
function secretKeyFor(secretKey: string, kind: InstanceKind): string {
  return secretKey.replace(/^sk_(live|test)_/, `sk_${KEY_PREFIX[kind]}_`);
}

/** Where an emulator serves its APIs, and which kind of instance it is. */
export interface InstanceAddress {
  kind: InstanceKind;
  /** e.g. `127.0.0.1:4010`, or `clerk.example.test:8443` when served over https on a name. */
  frontendApiHost: string;
  /** The Backend API, e.g. `http://127.0.0.1:4010`. */
  apiUrl: string;
}

/** What an app needs to reach and trust the emulator at this address. */
export async function instanceIdentity(keys: InstanceKeys, address: InstanceAddress, secretKey?: string) {
  return {
    secretKey: secretKey ?? secretKeyFor(keys.secretKey, address.kind),
    publishableKey: publishableKeyFor(address.frontendApiHost, address.kind),
    apiUrl: address.apiUrl,
    jwtKey: await jwtKeyPem(keys.privateJwk),
  };
}
