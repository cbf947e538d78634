import { expect } from "vitest";
import { ConfigError, loadConfig } from "~/utils/config/env.server";

/** A valid production-instance configuration; each test bends one variable. */
export const validEnv = {
  CLERK_SECRET_KEY: "sk_live_example",
  CLERK_PUBLISHABLE_KEY: `pk_live_${Buffer.from("clerk.example.com$").toString("base64")}`,
};

/** The message loadConfig stops with for `env`; fails the test if it does not stop. */
export function configError(env: Record<string, string | undefined>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
}
