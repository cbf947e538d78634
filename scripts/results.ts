import { spawnSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { REPO_ROOT } from "../support/app-server";

/** Builds the app that `npm start` serves; npm's own errors show if it fails. */
export function buildApp(): void {
  console.log("Building the app (npm run build)…");
  const build = spawnSync("npm", ["run", "build", "--silent"], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (build.status !== 0) throw new Error("npm run build failed.");
}

/** Writes `results` to the git-ignored bench-results/<name>-<time>.json and says where. */
export async function writeResults(name: string, results: unknown): Promise<void> {
  const dir = path.join(REPO_ROOT, "bench-results");
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${name}-${new Date().toISOString().replaceAll(":", "-")}.json`);
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nWrote ${path.relative(REPO_ROOT, file)}`);
}
