/**
 * `npm run dev`'s part inside the server: the newest development build, and
 * Remix's <LiveReload> told to reload open pages after each rebuild. The dev
 * launcher (scripts/dev.ts) rebuilds app/ and says so over IPC. The socket is
 * served on the app's own host and port, so `npm run dev` opens no other port
 * (docs/decisions/012-dev-loop-without-remix-dev.md).
 */
import type { ServerBuild } from "@remix-run/node";
import type { Server } from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { WebSocketServer } from "ws";

/** Where Remix's <LiveReload> connects: ws://<page host>:<port>/socket. */
const LIVE_RELOAD_PATH = "/socket";

/** The launcher's message after a successful rebuild. */
export const REBUILT_MESSAGE = "rebuilt";

async function importBuild(buildPath: string, version: number): Promise<ServerBuild> {
  // A new URL each time: Node caches modules by URL, so the same one would give the old build.
  return (await import(`${pathToFileURL(path.resolve(buildPath)).href}?v=${version}`)) as ServerBuild;
}

/**
 * The development build, re-imported whenever the launcher says it was rebuilt,
 * with every open page told to reload once it has been.
 */
export async function developmentBuild(server: Server, buildPath: string): Promise<() => Promise<ServerBuild>> {
  let version = 0;
  let build = await importBuild(buildPath, version);
  const sockets = new WebSocketServer({ server, path: LIVE_RELOAD_PATH });
  process.on("message", async (message) => {
    if (message !== REBUILT_MESSAGE) return;
    try {
      build = await importBuild(buildPath, ++version);
    } catch (error) {
      // A build that compiled but fails as it loads: keep serving the last good one.
      console.error(`[dev] the new build did not load (${String(error)}); serving the last good one`);
      return;
    }
    for (const socket of sockets.clients) socket.send(JSON.stringify({ type: "RELOAD" }));
  });
  // An open page's socket would keep server.close() waiting; <LiveReload> reconnects and reloads by itself.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      for (const socket of sockets.clients) socket.terminate();
    });
  }
  return async () => build;
}
