import { z } from "zod";
import { clerkConfigOf, clerkSchema } from "~/utils/config/clerk-env.server";
import { ConfigError } from "~/utils/config/schema.server";
import { servingConfigOf, servingSchema } from "~/utils/config/serving-env.server";
import { templatesConfigOf, templatesSchema } from "~/utils/config/templates-env.server";

/**
 * How the server's configuration is read from environment variables, one
 * module per concern: the Clerk instance, the templates, serving. A bad
 * value is reported with a message that names the variable and says how to
 * fix it, every bad one at once. `config.server.ts` applies this to process.env at start-up.
 */

export { ConfigError } from "~/utils/config/schema.server";
export { EVERY_INSTANCE_TEMPLATE, TEMPLATE_NAME_PATTERN } from "~/utils/config/templates-env.server";

const envSchema = z.object({ ...clerkSchema, ...templatesSchema, ...servingSchema });

export type AppConfig = ReturnType<typeof loadConfig>;

export function loadConfig(env: Record<string, string | undefined>) {
  const withoutEmptyValues = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const parsed = envSchema.safeParse(withoutEmptyValues);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`));
  }
  const clerk = clerkConfigOf(parsed.data);
  return { ...clerk, ...templatesConfigOf(parsed.data, clerk), ...servingConfigOf(parsed.data, clerk) };
}
