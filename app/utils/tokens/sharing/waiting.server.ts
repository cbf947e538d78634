import type { Outcome } from "./ownership.server";

/**
 * Waiting for another process's Clerk call. A waiter never hinges on one
 * message: it re-reads the entry on a short schedule that backs off (and takes
 * the lock over once it is free), and a publication of the call's outcome
 * only ends the wait sooner. Decision 021.
 */

/** The first re-read, and the longest pause between two. */
export const FIRST_REREAD_MS = 10;
export const LONGEST_REREAD_MS = 160;

/** The pause before each read of an entry: none before the first, then 10, 20, 40, 80, 160, 160… ms. */
export function* readPauses(): Generator<number, never> {
  yield 0;
  for (let pause = FIRST_REREAD_MS; ; pause = Math.min(2 * pause, LONGEST_REREAD_MS)) yield pause;
}

export interface Listening {
  /** The outcome, as soon as it is published and at most `ms` from now; undefined if none came. */
  within(ms: number): Promise<Outcome | undefined>;
  /** Stops listening. */
  cancel(): void;
}

/** Outcomes published on the app's channel, handed to this process's waiters by entry name. */
export class Announcements {
  private readonly listeners = new Map<string, Set<(outcome: Outcome) => void>>();

  deliver(name: string, outcome: Outcome) {
    for (const listener of this.listeners.get(name) ?? []) listener(outcome);
  }

  /** Listens for `name`'s outcome: call before asking Redis, so one published meanwhile is not missed. */
  listen(name: string): Listening {
    let heard: Outcome | undefined;
    let wake: (() => void) | undefined;
    const listener = (outcome: Outcome) => {
      heard ??= outcome;
      wake?.();
    };
    const listeners = this.listeners.get(name) ?? new Set();
    listeners.add(listener);
    this.listeners.set(name, listeners);
    return {
      async within(ms) {
        if (heard) return heard;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, ms);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
        return heard;
      },
      cancel: () => {
        listeners.delete(listener);
        if (listeners.size === 0 && this.listeners.get(name) === listeners) this.listeners.delete(name);
      },
    };
  }
}
