import type { RequestHandler } from "express";
import { logLine } from "./log-lines";

/**
 * One line per request: method, path, status, milliseconds. Never the query
 * string: Clerk's handshake brings a JWT back in `?__clerk_handshake=`.
 */
export const requestLog: RequestHandler = (req, res, next) => {
  const started = performance.now();
  res.on("finish", () => {
    const path = req.originalUrl.split("?")[0];
    logLine(`${req.method} ${path} ${res.statusCode} ${(performance.now() - started).toFixed(1)}ms`);
  });
  next();
};
