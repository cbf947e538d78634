/**
 * The app's HTTP server (`npm start`, and `npm run dev` through remix dev):
 * Remix behind Express, with Clerk's Frontend API proxy when configured and
 * request logs that never hold a token.
 */
import { installGlobals, type ServerBuild } from "@remix-run/node";
import compression from "compression";
import express from "express";
import cluster from "node:cluster";
import { createServer } from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import remixConfig from "../remix.config.js";
import { clerkProxy } from "./clerk-proxy";
import { buildFailureOverlay, developmentBuild } from "./dev-reload";
import { prefixLogLines } from "./log-lines";
import { exitWith, readConfig } from "./read-config";
import { remixHandler } from "./remix-handler";
import { requestLog } from "./request-log";
import {
  answerMalformedRequest,
  answerUnexpectedError,
  readOnlyApi,
  sessionTokensOnly,
  singleAuthorizationHeader,
} from "./request-guards";
import { acceptAbsoluteForm, requestTarget } from "./request-target";
import { securityHeaders } from "./security-headers";
import { receiveTimeoutOptions } from "./timeouts";

// Each line says which process wrote it; of a fleet's workers, the first shows Clerk's banner.
const { worker } = cluster;
prefixLogLines(worker ? `worker ${worker.id}` : "server", { clerkBanner: (worker?.id ?? 1) === 1 });
installGlobals({ nativeFetch: true });

// `npm start` serves production even without NODE_ENV, as the README starts it. Read when
// express() is called and the Remix build is imported, below: else Express would answer
// errors with its development page, and React Router's development build would log each
// unmatched URL with its query string, where Clerk's handshake brings a JWT.
process.env.NODE_ENV ??= "production";

const config = readConfig();
const { port, host } = config;
const mode = process.env.NODE_ENV === "development" ? "development" : "production";

const API_PATH = "/api";
const app = express();
const server = createServer(receiveTimeoutOptions(config.receiveTimeouts), (req, res) => {
  acceptAbsoluteForm(req);
  app(req, res);
});
// remix.config.js names the server build for each mode. `npm run dev` rebuilds it while the server runs.
const buildPath = remixConfig.serverBuildPath!;
const build =
  mode === "development"
    ? await developmentBuild(server, buildPath)
    : ((await import(pathToFileURL(path.resolve(buildPath)).href)) as ServerBuild);
app.disable("x-powered-by");
// X-Forwarded-For, -Proto and -Host count only from the proxies TRUST_PROXY says are in front.
app.set("trust proxy", config.trustedProxies);
app.use(requestLog);
// Before anything that decides on the path: Express, Remix and Clerk all read the same one.
app.use(requestTarget({ trustedProxies: config.trustedProxies }));
app.use(
  securityHeaders({
    clerk: {
      frontendApiOrigin: config.clerkProxy ? undefined : `https://${config.frontendApiHost}`,
      developmentInstance: config.publishableKey.startsWith("pk_test_"),
    },
    apiPrefix: `${API_PATH}/`,
  }),
);
app.use(singleAuthorizationHeader);
const remix = remixHandler({
  build,
  mode,
  getLoadContext: (_req, res) => ({ cspNonce: res.locals.cspNonce as string | undefined }),
});
// Clerk's webhooks are the one write the API takes, and only when they are configured.
if (config.webhookSigningSecret) app.post(`${API_PATH}/webhooks/clerk`, remix);
app.use(API_PATH, readOnlyApi);
if (config.clerkProxy) {
  // Mounted before compression so that the Frontend API's answers pass through untouched.
  app.use(config.clerkProxy.path, clerkProxy({ ...config.clerkProxy, secretKey: config.secretKey }));
}
// After the proxy, whose callers may send Clerk other kinds of token: every route of the app's own.
app.use(sessionTokensOnly);
// API answers skip the file lookups and compression below: no file lives under
// /api, and compressing tokens next to request data would invite BREACH.
app.all(`${API_PATH}/*`, remix);
app.use(compression());
app.use(remixConfig.publicPath!, express.static(remixConfig.assetsBuildDirectory!, { immutable: true, maxAge: "1y" }));
app.use(express.static("public", { maxAge: "1h" }));
// `npm run dev`: while a rebuild has failed, pages show why (server/dev-reload.ts).
if (mode === "development") app.use(buildFailureOverlay);
app.all("*", remix);
app.use(answerUnexpectedError);

server.listen(port, host, () => console.log(`App listening on http://${host}:${port}`));
server.on("clientError", answerMalformedRequest);
server.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EADDRINUSE") exitWith(`Port ${port} on ${host} is already in use. Set PORT to another port.`);
  throw error;
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
