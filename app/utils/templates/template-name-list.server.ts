/**
 * A copy of the instance's template names, read again on request. A refresh
 * asked for while a read is under way waits for a read that starts after it:
 * the one under way may predate the change (a studio save, a deleted template)
 * that the refresh was asked for. A failed read keeps the last list.
 */
export class TemplateNameList {
  private names: ReadonlySet<string> | undefined;
  private reading: Promise<ReadonlySet<string>> | undefined;
  /** The one read that starts after `reading`, shared by every refresh asked for meanwhile. */
  private queued: Promise<ReadonlySet<string>> | undefined;

  constructor(private readonly load: () => Promise<string[]>) {}

  /** The current list; only the very first requests wait for it (and fail if the read does). */
  async current(): Promise<ReadonlySet<string>> {
    return this.names ?? this.reading ?? this.refresh();
  }

  /** Resolves with a list read after this call. */
  refresh(): Promise<ReadonlySet<string>> {
    const under = this.reading;
    if (!under) return this.read();
    this.queued ??= under
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.read();
      });
    return this.queued;
  }

  /** Like refresh, but a failure is logged and the last list kept. */
  async refreshQuietly(): Promise<void> {
    await this.refresh().catch((error: unknown) =>
      console.error(`[templates] Reading the template list failed: ${error instanceof Error ? error.name : error}`),
    );
  }

  private read(): Promise<ReadonlySet<string>> {
    const read: Promise<ReadonlySet<string>> = this.load()
      .then((names) => (this.names = new Set(names)))
      .finally(() => {
        if (this.reading === read) this.reading = undefined;
      });
    this.reading = read;
    return read;
  }
}
