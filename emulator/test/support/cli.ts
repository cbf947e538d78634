import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The emulator's command line, as `npm run emulator` runs it. */
export const CLI = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));

/** Runs the CLI with these arguments until it exits by itself. */
export function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
