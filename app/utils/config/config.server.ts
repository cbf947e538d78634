import { loadConfig } from "~/utils/config/env.server";

/**
 * The server's configuration, read once when the server starts: a missing or
 * malformed variable stops it there, not on the first request.
 */
export const config = loadConfig(process.env);

// @clerk/remix's getAuth and rootAuthLoader read CLERK_JWT_KEY from process.env
// themselves: they get the key as validated (literal \n turned into newlines).
if (config.jwtKey) process.env.CLERK_JWT_KEY = config.jwtKey;
