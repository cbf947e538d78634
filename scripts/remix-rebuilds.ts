/**
 * Remix's own incremental compiler and file watcher, the ones `remix dev` runs,
 * without `remix dev`'s server: that one listens on every interface on a port
 * of its own (3001 by default), where this project's dev loop serves live
 * reload from the app's own host and port instead
 * (docs/decisions/012-dev-loop-without-remix-dev.md). These modules are not
 * @remix-run/dev's documented API; the version is pinned (~2.17) and
 * tests/e2e/dev-reload.spec.ts fails if they change under it.
 */
import { createFileWatchCache } from "@remix-run/dev/dist/compiler/fileWatchCache.js";
import { watch } from "@remix-run/dev/dist/compiler/watch.js";
import { readConfig } from "@remix-run/dev/dist/config.js";
import { logger } from "@remix-run/dev/dist/tux/logger.js";
import { stripVTControlCharacters } from "node:util";

export type BuildOutcome = { ok: true; durationMs: number } | { ok: false; errors: string };

/**
 * What the compiler prints to stderr while it builds: it reports a failed
 * build's errors (esbuild's, with file, line and column) only by printing them.
 * They still reach the terminal as before.
 */
function captureErrorOutput() {
  let printed: string[] = [];
  const print = console.error;
  console.error = (...args: unknown[]) => {
    printed.push(args.map(String).join(" "));
    print(...args);
  };
  return {
    restart: () => (printed = []),
    text: () => stripVTControlCharacters(printed.join("\n")).trim() || "The build failed; the terminal says why.",
  };
}

/**
 * Builds app/ in development mode, then again after every change, calling
 * `onBuilt` after each build with whether it succeeded, and if not the errors
 * the compiler printed (the last good build stays in place).
 */
export async function watchRemixApp(onBuilt: (outcome: BuildOutcome) => void): Promise<() => Promise<void>> {
  const fileWatchCache = createFileWatchCache();
  const errorOutput = captureErrorOutput();
  return watch(
    {
      config: await readConfig(process.cwd()),
      options: { mode: "development", sourcemap: true },
      fileWatchCache,
      logger,
    },
    {
      onBuildStart: () => errorOutput.restart(),
      onBuildFinish: (_ctx, durationMs, ok) => onBuilt(ok ? { ok, durationMs } : { ok, errors: errorOutput.text() }),
      onFileChanged: (file) => fileWatchCache.invalidateFile(file),
      onFileDeleted: (file) => fileWatchCache.invalidateFile(file),
    },
  );
}
