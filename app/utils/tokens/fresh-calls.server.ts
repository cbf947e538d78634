/**
 * Calls made for `Cache-Control: no-cache`: each request must get a call that
 * started after it arrived (one begun earlier may predate a revocation), yet a
 * burst of them must not each make its own: a client retrying, or twenty
 * connections asking together, would spend Clerk's rate limit for everyone.
 * So the first starts a call at once; those arriving while it runs share one
 * call that starts when it ends. A burst makes two calls, not one each.
 */
export class FreshCalls<T> {
  private readonly running = new Map<string, Promise<T>>();
  private readonly next = new Map<string, Promise<T>>();

  run(key: string, start: () => Promise<T>): Promise<T> {
    const running = this.running.get(key);
    if (!running) return this.startNow(key, start);
    let next = this.next.get(key);
    if (!next) {
      next = running
        .catch(() => undefined)
        .then(() => {
          this.next.delete(key);
          return this.startNow(key, start);
        });
      this.next.set(key, next);
    }
    return next;
  }

  private startNow(key: string, start: () => Promise<T>): Promise<T> {
    const call = start();
    this.running.set(key, call);
    void call
      .catch(() => undefined)
      .finally(() => {
        if (this.running.get(key) === call) this.running.delete(key);
      });
    return call;
  }
}
