import type { ServerOptions } from "node:http";

/**
 * How long a client may take to send its request: its headers within HEADERS_TIMEOUT_MS, the
 * whole request, body included, within REQUEST_TIMEOUT_MS (Node's defaults are 60 s and 300 s,
 * long enough for a client trickling a byte a second to hold a 256 KB webhook buffer for
 * minutes). Past either, Node answers 408 (server/request-guards.ts) and closes the connection.
 * Time spent answering is not counted: a slow Clerk call is bounded by CLERK_API_TIMEOUT_MS.
 */

/** How often Node looks for connections past their time: a cut-off comes at most this late. */
const CHECK_INTERVAL_MS = 1000;

export function receiveTimeoutOptions({ headersMs, requestMs }: { headersMs: number; requestMs: number }) {
  return {
    headersTimeout: headersMs,
    requestTimeout: requestMs,
    connectionsCheckingInterval: CHECK_INTERVAL_MS,
  } satisfies ServerOptions;
}
