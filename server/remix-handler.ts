import { createRemixHeaders, sendRemixResponse } from "@remix-run/express/dist/server.js";
import {
  createReadableStreamFromReadable,
  createRequestHandler,
  type AppLoadContext,
  type ServerBuild,
} from "@remix-run/node";
import type { Request as ExpressRequest, Response as ExpressResponse, RequestHandler } from "express";

export interface RemixHandlerOptions {
  build: ServerBuild;
  mode: "development" | "production";
  getLoadContext: (req: ExpressRequest, res: ExpressResponse) => AppLoadContext;
}

/**
 * Remix behind Express, as `@remix-run/express` does it (its own header and
 * response conversion), with one difference: the request's AbortSignal is
 * aborted once the response is over, sent or abandoned, where the adapter
 * aborts only abandoned ones.
 *
 * Why: Node's fetch registers every `Request` made with a signal in a
 * FinalizationRegistry, and Remix and @clerk/remix clone each request about
 * five times. Left alone, those entries are cleaned up in one go after each
 * major GC, thousands at once under load, stalling every connection for
 * 100–250 ms (nodejs/node#49344). Aborting unregisters them as each request
 * ends. Nothing in the app uses a request's signal after its response.
 */
// One reason for every request: making a fresh DOMException per request costs a stack trace.
const RESPONSE_OVER = new DOMException("The response is over.", "AbortError");

export function remixHandler({ build, mode, getLoadContext }: RemixHandlerOptions): RequestHandler {
  const handleRequest = createRequestHandler(build, mode);
  return async (req, res, next) => {
    const controller = new AbortController();
    res.once("close", () => controller.abort(RESPONSE_OVER));
    try {
      const response = await handleRequest(fetchRequestOf(req, controller.signal), getLoadContext(req, res));
      await sendRemixResponse(res, response);
    } catch (error) {
      next(error);
    }
  };
}

function fetchRequestOf(req: ExpressRequest, signal: AbortSignal): Request {
  // originalUrl is appended, not resolved: a path like //elsewhere/ must stay a path.
  const url = new URL(`${req.protocol}://${req.get("host")}${req.originalUrl}`);
  const init: RequestInit & { duplex?: "half" } = {
    method: req.method,
    headers: createRemixHeaders(req.headers),
    signal,
  };
  if (req.method !== "GET" && req.method !== "HEAD") {
    init.body = createReadableStreamFromReadable(req);
    init.duplex = "half";
  }
  return new Request(url, init);
}
