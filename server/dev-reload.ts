/**
 * `npm run dev`'s part inside the server: the newest development build, and
 * Remix's <LiveReload> told to reload open pages after each rebuild. The dev
 * launcher (scripts/dev.ts) rebuilds app/ and says so over IPC. The socket is
 * served on the app's own host and port, so `npm run dev` opens no other port
 * (docs/decisions/012-dev-loop-without-remix-dev.md). A failed rebuild is shown
 * in the open pages until the next good one.
 */
import type { ServerBuild } from "@remix-run/node";
import type { RequestHandler } from "express";
import type { Server } from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { WebSocketServer } from "ws";

/** Where Remix's <LiveReload> connects: ws://<page host>:<port>/socket. */
const LIVE_RELOAD_PATH = "/socket";

/** The launcher's message after a successful rebuild. */
export const REBUILT_MESSAGE = "rebuilt";

/** The launcher's message after a failed rebuild: what the compiler printed (file, line and column included). */
export type BuildFailedMessage = { buildFailed: string };

const isBuildFailed = (message: unknown): message is BuildFailedMessage =>
  typeof (message as BuildFailedMessage | null)?.buildFailed === "string";

/** What the compiler printed for the last rebuild, while it stays failed. */
let buildFailure: string | undefined;

async function importBuild(buildPath: string, version: number): Promise<ServerBuild> {
  // A new URL each time: Node caches modules by URL, so the same one would give the old build.
  return (await import(`${pathToFileURL(path.resolve(buildPath)).href}?v=${version}`)) as ServerBuild;
}

/**
 * The development build, re-imported whenever the launcher says it was rebuilt,
 * with every open page told to reload once it has been, or once a rebuild failed.
 */
export async function developmentBuild(server: Server, buildPath: string): Promise<() => Promise<ServerBuild>> {
  let version = 0;
  let build = await importBuild(buildPath, version);
  const sockets = new WebSocketServer({ server, path: LIVE_RELOAD_PATH });
  const reloadOpenPages = () => {
    for (const socket of sockets.clients) socket.send(JSON.stringify({ type: "RELOAD" }));
  };
  process.on("message", async (message) => {
    if (isBuildFailed(message)) {
      buildFailure = message.buildFailed;
      return reloadOpenPages();
    }
    if (message !== REBUILT_MESSAGE) return;
    try {
      build = await importBuild(buildPath, ++version);
    } catch (error) {
      // A build that compiled but fails as it loads: keep serving the last good one.
      console.error(`[dev] the new build did not load (${String(error)}); serving the last good one`);
      return;
    }
    buildFailure = undefined;
    reloadOpenPages();
  });
  // An open page's socket would keep server.close() waiting; <LiveReload> reconnects and reloads by itself.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      for (const socket of sockets.clients) socket.terminate();
    });
  }
  return async () => build;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page every browser navigation gets while the last rebuild failed: what failed, and a reload once it builds. */
function buildFailedPage(failure: string, nonce: string | undefined): string {
  const reloadScript = `new WebSocket(location.origin.replace(/^http/, "ws") + "${LIVE_RELOAD_PATH}").onmessage = () => location.reload();`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>The app did not build</title>
<style>body{margin:0;padding:1.5rem;font-family:system-ui,sans-serif;background:#fdecea;color:#3d0c08}
pre{white-space:pre-wrap;overflow-wrap:anywhere;padding:1rem;background:#fff;border-left:4px solid #a3241b}</style></head>
<body><main role="alert"><h1>The app did not build</h1>
<p>The last change under app/ broke the build. Fix it and save: this page reloads by itself once the app builds
again.</p>
<pre data-testid="build-failure">${escapeHtml(failure)}</pre></main>
<script nonce="${nonce ?? ""}">${reloadScript}</script></body></html>`;
}

/** In development, while the last rebuild failed: pages (navigations) show the failure instead of the stale build. */
export const buildFailureOverlay: RequestHandler = (req, res, next) => {
  if (buildFailure === undefined || req.method !== "GET" || !req.headers.accept?.includes("text/html")) return next();
  res
    .status(500)
    .type("html")
    .set("Cache-Control", "no-store")
    .send(buildFailedPage(buildFailure, res.locals.cspNonce as string | undefined));
};
