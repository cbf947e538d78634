import { subscribe } from "node:diagnostics_channel";

/**
 * Why this process's last HTTP request to each origin failed at the network, as
 * undici (fetch) saw it: fetch() itself reports only "fetch failed", and
 * @clerk/backend keeps only that message, so a log line would not name the cause
 * (ECONNREFUSED, a timeout, a TLS error). One entry per origin the server calls.
 */
const lastFailure = new Map<string, { at: number; cause: string }>();

type RequestErrorMessage = { request: { origin?: unknown }; error: Error & { code?: unknown } };

subscribe("undici:request:error", (message) => {
  const { request, error } = message as RequestErrorMessage;
  if (typeof request.origin !== "string") return;
  const code = typeof error.code === "string" ? `${error.code}: ` : "";
  lastFailure.set(request.origin, { at: Date.now(), cause: `${code}${error.message}` });
});

/** The network failure seen calling `origin` in the last `withinMs`, if any. */
export function recentNetworkFailure(origin: string, withinMs: number): string | undefined {
  const failure = lastFailure.get(origin);
  return failure && Date.now() - failure.at <= withinMs ? failure.cause : undefined;
}
