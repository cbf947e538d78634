import { createHash, KeyObject, webcrypto } from "node:crypto";
// @peculiar/x509 resolves its ASN.1 types through tsyringe, which needs the Reflect metadata API.
import "reflect-metadata";
import * as x509 from "@peculiar/x509";

/** A certificate for serving https on host names of this machine, made at start and never stored. */
export interface LocalCertificate {
  /** PEM, for the https server. */
  cert: string;
  key: string;
  /** base64(sha256(SubjectPublicKeyInfo)): what Chromium's --ignore-certificate-errors-spki-list trusts. */
  spkiSha256: string;
}

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const ONE_DAY_MS = 86_400_000;

/**
 * A self-signed certificate naming these hosts. ECDSA P-256: generated in milliseconds, and
 * accepted by browsers and Node alike. Nothing trusts it unless told to, by its key hash.
 */
export async function createLocalCertificate(hostnames: string[]): Promise<LocalCertificate> {
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: webcrypto.getRandomValues(new Uint8Array(8)).reduce((hex, byte) => hex + byte.toString(16), "1"),
      name: `CN=${hostnames[0]}`,
      notBefore: new Date(now - ONE_DAY_MS),
      notAfter: new Date(now + 30 * ONE_DAY_MS),
      keys,
      signingAlgorithm: ALGORITHM,
      extensions: [
        new x509.SubjectAlternativeNameExtension(hostnames.map((value) => ({ type: "dns" as const, value }))),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.BasicConstraintsExtension(false),
      ],
    },
    webcrypto as Crypto,
  );
  const spki = Buffer.from(await webcrypto.subtle.exportKey("spki", keys.publicKey));
  return {
    cert: certificate.toString("pem"),
    key: KeyObject.from(keys.privateKey).export({ format: "pem", type: "pkcs8" }) as string,
    spkiSha256: createHash("sha256").update(spki).digest("base64"),
  };
}
