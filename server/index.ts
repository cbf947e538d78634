/**
 * The app's HTTP server (`npm start`, and `npm run dev` through remix dev):
 * Remix behind Express, with Clerk's Frontend API proxy when configured and
 * request logs that never hold a token.
 */
import { broadcastDevReady, installGlobals, type ServerBuild } from "@remix-run/node";
import compression from "compression";
import express from "express";
import path from "node:path";
import { pathToFileURL } from "node:url";
import remixConfig from "../remix.config.js";
import { clerkProxy } from "./clerk-proxy";
import { exitWith, readConfig } from "./read-config";
import { remixHandler } from "./remix-handler";
import { requestLog } from "./request-log";
import { answerMalformedRequest, readOnlyApi, singleAuthorizationHeader } from "./request-guards";
import { securityHeaders } from "./security-headers";

installGlobals({ nativeFetch: true });

const config = readConfig();
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "127.0.0.1";
const mode = process.env.NODE_ENV === "development" ? "development" : "production";
// remix.config.js names the server build for each mode.
const build = (await import(pathToFileURL(path.resolve(remixConfig.serverBuildPath!)).href)) as ServerBuild;

const API_PATH = "/api";
const remix = remixHandler({
  build,
  mode,
  getLoadContext: (_req, res) => ({ cspNonce: res.locals.cspNonce as string | undefined }),
});
const app = express();
app.disable("x-powered-by");
app.use(requestLog);
app.use(
  securityHeaders({
    clerkOrigins: config.clerkProxy ? [] : [`https://${config.frontendApiHost}`],
    apiPrefix: `${API_PATH}/`,
  }),
);
app.use(singleAuthorizationHeader);
// Clerk's webhooks are the one write the API takes, and only when they are configured.
if (config.webhookSigningSecret) app.post(`${API_PATH}/webhooks/clerk`, remix);
app.use(API_PATH, readOnlyApi);
if (config.clerkProxy) {
  // Mounted before compression so that the Frontend API's answers pass through untouched.
  app.use(config.clerkProxy.path, clerkProxy({ ...config.clerkProxy, secretKey: config.secretKey }));
}
// API answers skip the file lookups and compression below: no file lives under
// /api, and compressing tokens next to request data would invite BREACH.
app.all(`${API_PATH}/*`, remix);
app.use(compression());
app.use(build.publicPath, express.static(build.assetsBuildDirectory, { immutable: true, maxAge: "1y" }));
app.use(express.static("public", { maxAge: "1h" }));
app.all("*", remix);

const server = app.listen(port, host, () => {
  console.log(`App listening on http://${host}:${port}`);
  if (mode === "development") void broadcastDevReady(build);
});
server.on("clientError", answerMalformedRequest);
server.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EADDRINUSE") exitWith(`Port ${port} on ${host} is already in use. Set PORT to another port.`);
  throw error;
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
