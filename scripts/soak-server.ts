/**
 * Starts the production server for `npm run soak` as `npm start` does
 * (package.json's start script), but as a direct child, so that its pid is the
 * server's, with GC exposed and scripts/soak-probe.ts loaded into it alone
 * (and into its workers, which inherit its flags, with WEB_CONCURRENCY).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { freePort, REPO_ROOT, spawnCaptured, waitUntilServed } from "../support/app-server";
import type { ProbeSample } from "./soak-memory";

const PROBE_MARK = "SOAK_PROBE ";

export interface SoakServer {
  url: string;
  /** The server process itself: every probe sample must carry it. */
  pid: number;
  /** How it was started: `npm start`'s command with the soak's flags. */
  command: string;
  /** Every sample the probe has written so far. */
  samples(): ProbeSample[];
  output(): string;
  stop(): Promise<void>;
}

/** `npm start`'s command without `node`: what the server is started with. */
function startScriptArgs(): string[] {
  const packageJson = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
    scripts: { start: string };
  };
  const [command, ...args] = packageJson.scripts.start.split(/\s+/);
  if (command !== "node")
    throw new Error(`The soak expects "npm start" to run node, not: ${packageJson.scripts.start}`);
  return args;
}

/**
 * Bundles the probe to plain JavaScript, so that the server runs without tsx's
 * loader (a loader thread of its own would add to the memory being measured).
 */
async function bundleProbe(outDir: string): Promise<string> {
  const outfile = path.join(outDir, "soak-probe.mjs");
  await build({
    entryPoints: [path.join(REPO_ROOT, "scripts/soak-probe.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    logLevel: "warning",
    outfile,
  });
  return outfile;
}

function parseSamples(output: string): ProbeSample[] {
  return output
    .split("\n")
    .filter((line) => line.startsWith(PROBE_MARK))
    .map((line) => JSON.parse(line.slice(PROBE_MARK.length)) as ProbeSample);
}

/** Starts the built server on this port (default: a free one) of 127.0.0.1 with this environment; waits until it answers. */
export async function startSoakServer(
  env: Record<string, string>,
  tempDir: string,
  port?: number,
): Promise<SoakServer> {
  const probe = pathToFileURL(await bundleProbe(tempDir)).href;
  port ??= await freePort();
  const args = ["--expose-gc", "--import", probe, ...startScriptArgs()];
  const server = spawnCaptured(
    process.execPath,
    args,
    { NODE_ENV: "production", ...env, PORT: String(port), HOST: "127.0.0.1" },
    { detached: false },
  );
  const stop = async () => {
    if (!server.isRunning()) return;
    server.child.kill("SIGTERM");
    await server.exited;
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilServed(`${url}/healthz`, server, 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  const command = ["node", ...args].join(" ");
  const { output } = server;
  return { url, pid: server.child.pid!, command, samples: () => parseSamples(output()), output, stop };
}
