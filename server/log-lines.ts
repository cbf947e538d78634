import { format } from "node:util";

/**
 * How the server's processes write their log: every line says which process
 * wrote it — `[server]` when one process serves, `[primary]` and `[worker N]`
 * under WEB_CONCURRENCY — whoever writes it (this app, Remix, Clerk's SDKs
 * through `console`); and the request log, a line per request, is written a
 * burst at a time (docs/decisions/024-the-token-route-next-to-remix-serve.md).
 */
let prefix = "";

// @clerk/remix warns once per process that it is in maintenance mode; a fleet has one banner, not N.
const CLERK_REMIX_BANNER = /^\s*Clerk - DEPRECATION WARNING: @clerk\/remix is now in maintenance mode\./;

/** `text` with this process's prefix on each of its lines, and a final newline. */
function prefixed(text: string): string {
  return `${prefix}${text.replaceAll("\n", `\n${prefix}`)}\n`;
}

// Request-log lines not yet written: the responses that finish in one turn of the event loop
// cost one write to stdout, not one each. Anything else written flushes them first, in order.
let pendingLines = "";
let pendingBytes = 0;
// A write of at most PIPE_BUF bytes reaches a pipe whole: a reader of stdout and stderr
// together (a supervisor, the tests) never sees a line cut by another write.
const WHOLE_WRITE_BYTES = 4096;

function flushPendingLines(): void {
  if (pendingLines === "") return;
  process.stdout.write(pendingLines);
  pendingLines = "";
  pendingBytes = 0;
}
process.on("exit", flushPendingLines);

/** Writes one request-log line to stdout, prefixed, with the others of this turn of the event loop. */
export function logLine(line: string): void {
  const text = prefixed(line);
  const bytes = Buffer.byteLength(text);
  if (pendingBytes + bytes > WHOLE_WRITE_BYTES) flushPendingLines();
  if (pendingLines === "") setImmediate(flushPendingLines);
  pendingLines += text;
  pendingBytes += bytes;
}

function writeNow(stream: NodeJS.WriteStream, text: string): void {
  flushPendingLines();
  stream.write(prefixed(text));
}

/**
 * From now on, prefixes what this process writes through `console` with
 * `[name]`. Without `clerkBanner`, @clerk/remix's maintenance banner is left
 * out (another process of the same `npm start` shows it).
 */
export function prefixLogLines(name: string, { clerkBanner }: { clerkBanner: boolean }): void {
  prefix = `[${name}] `;
  for (const method of ["log", "info", "debug"] as const) {
    console[method] = (...args: unknown[]) => writeNow(process.stdout, format(...args));
  }
  for (const method of ["warn", "error"] as const) {
    console[method] = (...args: unknown[]) => {
      const text = format(...args);
      if (!clerkBanner && CLERK_REMIX_BANNER.test(text)) return;
      writeNow(process.stderr, text);
    };
  }
}
