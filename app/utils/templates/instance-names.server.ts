import { config } from "~/utils/config/config.server";
import { listInstanceTemplates } from "~/utils/templates/catalog.server";

/**
 * The names of the instance's templates, for `CLERK_JWT_TEMPLATES=*`: read at
 * start, then every TEMPLATE_LIST_REFRESH_SECONDS, after a `template_not_found`
 * and after the studio saves one. A name is checked against this copy, so an
 * unknown one is refused without a Clerk call. A failed refresh keeps the last list.
 */
class InstanceTemplateNames {
  private names: ReadonlySet<string> | undefined;
  private loading: Promise<ReadonlySet<string>> | undefined;

  constructor(private readonly load: () => Promise<string[]>) {}

  /** The current list; only the very first request waits for it (and fails if Clerk does). */
  async current(): Promise<ReadonlySet<string>> {
    return this.names ?? this.refresh();
  }

  refresh(): Promise<ReadonlySet<string>> {
    this.loading ??= this.load()
      .then((names) => (this.names = new Set(names)))
      .finally(() => (this.loading = undefined));
    return this.loading;
  }

  /** Like refresh, but a failure is logged and the last list kept. */
  async refreshQuietly(): Promise<void> {
    await this.refresh().catch((error: unknown) =>
      console.error(`[templates] Reading the template list failed: ${error instanceof Error ? error.name : error}`),
    );
  }
}

const instanceNames = config.everyInstanceTemplate
  ? new InstanceTemplateNames(async () => (await listInstanceTemplates()).map((template) => template.name))
  : undefined;

if (instanceNames) {
  void instanceNames.refreshQuietly();
  setInterval(() => void instanceNames.refreshQuietly(), config.templateListRefreshMs).unref();
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
