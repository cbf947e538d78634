import {
  createReadableStreamFromReadable,
  createRequestHandler,
  writeReadableStreamToWritable,
  type AppLoadContext,
  type ServerBuild,
} from "@remix-run/node";
import type { Request as ExpressRequest, Response as ExpressResponse, RequestHandler } from "express";
import { cookiesClerkCanRead } from "./clerk-cookies";

export interface RemixHandlerOptions {
  /** The build, or in development a function giving the newest one. */
  build: ServerBuild | (() => Promise<ServerBuild>);
  mode: "development" | "production";
  getLoadContext: (req: ExpressRequest, res: ExpressResponse) => AppLoadContext;
}

/**
 * Remix behind Express, like `@remix-run/express` (which does not export its
 * conversions, hence these few lines), with these differences:
 *
 * - The request's AbortSignal is aborted once the response is over, sent or
 *   abandoned, where the adapter aborts only abandoned ones. Why: Node's fetch
 *   registers every `Request` made with a signal in a FinalizationRegistry,
 *   and Remix and @clerk/remix clone each request about five times. Left
 *   alone, those entries are cleaned up in one go after each major GC,
 *   thousands at once under load, stalling every connection for 100–250 ms
 *   (nodejs/node#49344). Aborting unregisters them as each request ends.
 *   Nothing in the app uses a request's signal after its response.
 * - A JSON body is sent whole with its length, in one write with the headers,
 *   instead of streamed in chunks: nobody reads half a JSON document, and the
 *   token route answers nothing else.
 * - Content-Type goes out as the route set it: the adapter, through Express,
 *   added `; charset=utf-8` to text and JSON types (JSON is UTF-8 by
 *   definition, RFC 8259; pages name their charset in entry.server.tsx).
 * - No early header flush for `text/event-stream`: no route streams events.
 */
// One reason for every request: making a fresh DOMException per request costs a stack trace.
const RESPONSE_OVER = new DOMException("The response is over.", "AbortError");

export function remixHandler({ build, mode, getLoadContext }: RemixHandlerOptions): RequestHandler {
  const handleRequest = createRequestHandler(build, mode);
  return async (req, res, next) => {
    const controller = new AbortController();
    res.once("close", () => controller.abort(RESPONSE_OVER));
    try {
      const request = fetchRequestOf(req, res.locals.origin as string, controller.signal);
      const response = await handleRequest(request, getLoadContext(req, res));
      await send(res, response);
    } catch (error) {
      next(error);
    }
  };
}

/**
 * Headers that describe the request's origin, which the URL handed to Remix
 * already holds as server/request-target.ts read it (X-Forwarded-* only under
 * TRUST_PROXY). Left in, Clerk would rebuild the origin from what the client sent.
 */
const ORIGIN_HEADERS = new Set([
  "host",
  "forwarded",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-forwarded-port",
  "cloudfront-forwarded-proto",
]);

function fetchRequestOf(req: ExpressRequest, origin: string, signal: AbortSignal): Request {
  // req.url is the canonical path (server/request-target.ts), appended, not resolved:
  // a path like //elsewhere/ must stay a path. Request parses the URL itself.
  const url = `${origin}${req.url}`;
  const headers = new Headers({ Host: new URL(origin).host });
  // As Node parsed them: repeated headers joined, or dropped where only one may be.
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || ORIGIN_HEADERS.has(name)) continue;
    for (const each of Array.isArray(value) ? value : [value]) {
      headers.append(name, name === "cookie" ? cookiesClerkCanRead(each) : each);
    }
  }
  const init: RequestInit & { duplex?: "half" } = { method: req.method, headers, signal };
  if (req.method !== "GET" && req.method !== "HEAD") {
    init.body = createReadableStreamFromReadable(req);
    init.duplex = "half";
  }
  return new Request(url, init);
}

const JSON_CONTENT_TYPE = /^application\/json\s*(;|$)/i;

async function send(res: ExpressResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  res.statusMessage = response.statusText;
  // Fetch's Headers lists each Set-Cookie on its own, so none is merged away.
  for (const [name, value] of response.headers) res.appendHeader(name, value);
  if (response.body === null) {
    res.end();
  } else if (JSON_CONTENT_TYPE.test(response.headers.get("Content-Type") ?? "")) {
    // As text, Node sends it in the same write as the headers.
    res.end(await response.text());
  } else {
    await writeReadableStreamToWritable(response.body, res);
  }
}
