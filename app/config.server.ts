import { loadConfig } from "~/env.server";

/**
 * The server's configuration, read once when the server starts: a missing or
 * malformed variable stops it there, not on the first request.
 */
export const config = loadConfig(process.env);
