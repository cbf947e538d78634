import { ConfigError, loadConfig } from "../app/utils/config/env.server";

export function exitWith(message: string): never {
  console.error(`\n${message}\n`);
  process.exit(1);
}

/** The validated configuration, or exit with the message naming each bad variable and its fix. */
export function readConfig() {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) exitWith(error.message);
    throw error;
  }
}
