import { format } from "node:util";

/**
 * Every line the server's processes write says which one wrote it — `[server]`
 * when one process serves, `[primary]` and `[worker N]` under WEB_CONCURRENCY —
 * whoever writes it: this app, Remix, or Clerk's SDKs through `console`.
 */
let prefix = "";

// @clerk/remix warns once per process that it is in maintenance mode; a fleet has one banner, not N.
const CLERK_REMIX_BANNER = /^\s*Clerk - DEPRECATION WARNING: @clerk\/remix is now in maintenance mode\./;

/** `text` with this process's prefix on each of its lines, and a final newline. */
function prefixed(text: string): string {
  return `${prefix}${text.replaceAll("\n", `\n${prefix}`)}\n`;
}

/** Writes one line to stdout, prefixed: what the request log calls, without console's formatting. */
export function logLine(line: string): void {
  process.stdout.write(prefixed(line));
}

/**
 * From now on, prefixes what this process writes through `console` with
 * `[name]`. Without `clerkBanner`, @clerk/remix's maintenance banner is left
 * out (another process of the same `npm start` shows it).
 */
export function prefixLogLines(name: string, { clerkBanner }: { clerkBanner: boolean }): void {
  prefix = `[${name}] `;
  for (const method of ["log", "info", "debug"] as const) {
    console[method] = (...args: unknown[]) => process.stdout.write(prefixed(format(...args)));
  }
  for (const method of ["warn", "error"] as const) {
    console[method] = (...args: unknown[]) => {
      const text = format(...args);
      if (!clerkBanner && CLERK_REMIX_BANNER.test(text)) return;
      process.stderr.write(prefixed(text));
    };
  }
}
