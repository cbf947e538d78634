import { z } from "zod";

/** What every part of the configuration shares: the error it stops with, and the shapes of its values. */

export class ConfigError extends Error {
  constructor(issues: string[]) {
    super(
      `Invalid configuration:\n${issues.map((issue) => `  - ${issue}`).join("\n")}\nSee docs/environment.md for every variable.`,
    );
    this.name = "ConfigError";
    // The message already says everything: print it without a stack trace.
    this.stack = this.message;
  }
}

/** A comma-separated list (blanks and empty entries dropped), each entry checked by `entry`. */
export const commaSeparated = (entry: z.ZodType<string, string>) =>
  z
    .string()
    .optional()
    .transform((list) =>
      (list ?? "")
        .split(",")
        .map((item) => item.trim())
        .filter(Boolean),
    )
    .pipe(z.array(entry));
