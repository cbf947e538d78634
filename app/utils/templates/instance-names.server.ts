import { config } from "~/utils/config/config.server";
import { listInstanceTemplates } from "~/utils/templates/catalog.server";
import { TemplateNameList } from "~/utils/templates/template-name-list.server";

/** Where the periodic refresh's timer is kept, process-wide (see below). */
const PERIODIC_REFRESH = Symbol.for("remix-clerk-tokens.template-list-refresh");

/**
 * The names of the instance's templates, for `CLERK_JWT_TEMPLATES=*`: read at
 * start, then every TEMPLATE_LIST_REFRESH_SECONDS, after a `template_not_found`
 * and after the studio saves one. A name is checked against this copy, so an
 * unknown one is refused without a Clerk call.
 */
const instanceNames = config.everyInstanceTemplate
  ? new TemplateNameList(async () => (await listInstanceTemplates()).map((template) => template.name))
  : undefined;

if (instanceNames) {
  void instanceNames.refreshQuietly();
  // `npm run dev` imports each rebuild afresh: one timer per process, the newest build's, so
  // that timers do not pile up nor keep old builds alive. Production imports this once.
  const processWide = globalThis as { [PERIODIC_REFRESH]?: NodeJS.Timeout };
  clearInterval(processWide[PERIODIC_REFRESH]);
  processWide[PERIODIC_REFRESH] = setInterval(() => void instanceNames.refreshQuietly(), config.templateListRefreshMs);
  processWide[PERIODIC_REFRESH].unref();
}

/** The names a request may ask for: the configured list, or with `*` the instance's plus the default. */
export async function allowedTemplateNames(): Promise<string[]> {
  if (!instanceNames) return config.allowedTemplates;
  return [...new Set([...config.allowedTemplates, ...(await instanceNames.current())])];
}

/**
 * Reads the instance's list again now (with `*`): after Clerk said a template
 * is gone, or the studio saved one. A failure is logged and the last list kept.
 */
export async function refreshTemplateNames(): Promise<void> {
  await instanceNames?.refreshQuietly();
}
