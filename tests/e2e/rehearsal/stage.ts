import { once } from "node:events";
import { request as httpRequest } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { InstanceKind } from "../../../emulator/src/tokens/keys";
import { createLocalCertificate } from "../../../emulator/src/tls";
import { freePort, startAppServer } from "../../../support/app-server";
import { SEEDED_TEMPLATES } from "../../../support/clerk-env";
import { startTestEmulator, type TestEmulator } from "../../support/emulator";

/**
 * The stage of a rehearsal: the emulator as a real Clerk instance of one kind on its own https
 * host name, and the app started as a user with real keys starts it. Production: the app on
 * https://app.<site> and the Frontend API on https://clerk.<site>, one site, as Clerk requires.
 * Development: the app on http://127.0.0.1 and the Frontend API on <slug>.clerk.accounts.dev,
 * another site, reached by dev browser.
 */
export interface Stage {
  appUrl: string;
  emulator: TestEmulator;
  /** The host names Chromium resolves to 127.0.0.1; every other name must fail to resolve. */
  mappedHosts: string[];
  /** The key hashes of the certificates Chromium trusts, and no other bad certificate. */
  spkiHashes: string[];
  /** The app's certificate (PEM) for curl, when the app is served over https. */
  appCertificate?: string;
  stop(): Promise<void>;
}

const SITE = "example.test";
// clerk-js runs its dev browser only for a Frontend API host ending in accounts.dev, given with no
// port (@clerk/shared's isDevOrStagingUrl compares the whole host), so it must be https on 443.
const DEVELOPMENT_FRONTEND_API = "rehearsal-otter-12.clerk.accounts.dev";
/** Short-lived session tokens, so that one expires within a test and the handshake renews it. */
export const SESSION_TOKEN_LIFETIME_S = 12;

/** An https server for this name that hands every request to the app over http, as a load balancer does. */
async function tlsFront(hostname: string) {
  const certificate = await createLocalCertificate([hostname]);
  let target = "";
  const server: Server = createServer({ cert: certificate.cert, key: certificate.key }, (req, res) => {
    const headers = { ...req.headers, "x-forwarded-proto": "https", "x-forwarded-host": req.headers.host };
    // A connection per request: a kept-alive one that the app closes as idle just as it is reused
    // resets, and the browser would see an empty response.
    const upstream = httpRequest(`${target}${req.url}`, { method: req.method, headers, agent: false }, (answer) => {
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `https://${hostname}:${(server.address() as AddressInfo).port}`,
    certificate,
    forwardTo: (appUrl: string) => void (target = appUrl),
    close: () => new Promise<void>((resolve) => server.close(() => resolve()).closeAllConnections()),
  };
}

/** The app's environment: exactly what a user with keys sets, pointed at the emulator's Backend API. */
function userEnv(emulator: TestEmulator, appOrigin: string): Record<string, string> {
  return {
    CLERK_SECRET_KEY: emulator.secretKey,
    CLERK_PUBLISHABLE_KEY: emulator.publishableKey,
    CLERK_API_URL: emulator.apiUrl,
    CLERK_AUTHORIZED_PARTIES: appOrigin,
    CLERK_JWT_TEMPLATES: SEEDED_TEMPLATES.join(","),
  };
}

export async function startStage(kind: InstanceKind): Promise<Stage> {
  if (kind === "development") {
    const emulator = await startTestEmulator({
      instance: "development",
      frontendApiHostname: DEVELOPMENT_FRONTEND_API,
      frontendApiPort: 443,
      sessionTokenLifetimeSeconds: SESSION_TOKEN_LIFETIME_S,
    });
    const port = await freePort();
    const app = await startAppServer(userEnv(emulator, `http://127.0.0.1:${port}`), port);
    return {
      appUrl: app.url,
      emulator,
      mappedHosts: [DEVELOPMENT_FRONTEND_API],
      spkiHashes: [emulator.certificateSpkiSha256!],
      stop: async () => {
        await app.stop();
        await emulator.stop();
      },
    };
  }
  const emulator = await startTestEmulator({
    frontendApiHostname: `clerk.${SITE}`,
    sessionTokenLifetimeSeconds: SESSION_TOKEN_LIFETIME_S,
  });
  const front = await tlsFront(`app.${SITE}`);
  // Behind a TLS-terminating front, as a production deployment is: TRUST_PROXY lets the app believe its
  // X-Forwarded-Proto, so the origin it and Clerk see is https (docs/environment.md).
  const app = await startAppServer({ ...userEnv(emulator, front.url), TRUST_PROXY: "1" });
  front.forwardTo(app.url);
  return {
    appUrl: front.url,
    emulator,
    mappedHosts: [`app.${SITE}`, `clerk.${SITE}`],
    spkiHashes: [emulator.certificateSpkiSha256!, front.certificate.spkiSha256],
    appCertificate: front.certificate.cert,
    stop: async () => {
      await front.close();
      await app.stop();
      await emulator.stop();
    },
  };
}
