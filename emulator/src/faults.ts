import type { HttpBindings } from "@hono/node-server";
import type { MiddlewareHandler } from "hono";
import { z } from "zod";
import { clerkErrorResponse } from "./http";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Faults the emulator can inject into Backend API calls, to show how an app
 * copes when Clerk is slow, failing, rate limiting or broken. Rates are
 * fractions of the matching calls (0…1); they are drawn in this order:
 * reset, hang, error status, non-JSON body, wrong Content-Type.
 */
const rate = z.number().min(0).max(1).default(0);

export const faultsSchema = z
  .object({
    /** Random extra delay of 0…jitterMs on top of the emulator's latency. */
    jitterMs: z.number().min(0).max(60_000).default(0),
    /** Clerk's rate limit: `requests` calls per `windowSeconds`, then 429 with Retry-After. */
    rateLimit: z.object({ requests: z.int().min(1), windowSeconds: z.number().positive().max(3600) }).optional(),
    resetRate: rate,
    hangRate: rate,
    errorRate: rate,
    errorStatuses: z.array(z.int().min(500).max(599)).min(1).default([500, 502, 503]),
    notJsonRate: rate,
    wrongContentTypeRate: rate,
    /** A regular expression: only paths it matches meet the faults. Default: every faultable call. */
    pathPattern: z.string().optional(),
    /** Only the next `times` matching calls meet the faults (e.g. 1: fail once, then recover). Default: all. */
    times: z.int().min(1).optional(),
  })
  .strict()
  .refine((faults) => faults.pathPattern === undefined || isValidPattern(faults.pathPattern), {
    message: "pathPattern is not a valid regular expression",
    path: ["pathPattern"],
  });

export type FaultsInput = z.input<typeof faultsSchema>;
type Faults = z.output<typeof faultsSchema>;

function isValidPattern(pattern: string) {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

/** Parses `100/10s` (or `100/10`) into a rate limit. */
export function parseRateLimit(text: string): { requests: number; windowSeconds: number } {
  const match = /^(\d+)\/(\d+(?:\.\d+)?)s?$/.exec(text.trim());
  if (!match) throw new Error(`Rate limit "${text}" is not of the form N/Ms, e.g. 100/10s`);
  return { requests: Number(match[1]), windowSeconds: Number(match[2]) };
}

/** The faults in force, changeable while the emulator runs. */
export class FaultInjector {
  #faults: Faults = faultsSchema.parse({});
  #pattern: RegExp | undefined;
  #window = { startedAt: 0, count: 0 };
  #callsLeft = Infinity;

  constructor(faults: FaultsInput = {}) {
    this.set(faults);
  }

  /** Replaces every fault at once; throws on invalid input. */
  set(faults: FaultsInput): Faults {
    this.#faults = faultsSchema.parse(faults);
    this.#pattern = this.#faults.pathPattern === undefined ? undefined : new RegExp(this.#faults.pathPattern);
    this.#window = { startedAt: 0, count: 0 };
    this.#callsLeft = this.#faults.times ?? Infinity;
    return this.#faults;
  }

  get(): Faults {
    return this.#faults;
  }

  /** Seconds to wait when this call is over the rate limit, else undefined. */
  #rateLimited(now: number): number | undefined {
    const limit = this.#faults.rateLimit;
    if (!limit) return undefined;
    const windowMs = limit.windowSeconds * 1000;
    if (now - this.#window.startedAt >= windowMs) this.#window = { startedAt: now, count: 0 };
    this.#window.count += 1;
    if (this.#window.count <= limit.requests) return undefined;
    return Math.max(1, Math.ceil((this.#window.startedAt + windowMs - now) / 1000));
  }

  /** Middleware for the calls faults may hit. `exemptFromRateLimit` mirrors Clerk: /v1/jwks is unlimited. */
  middleware({ exemptFromRateLimit = false } = {}): MiddlewareHandler<{ Bindings: HttpBindings }> {
    return async (c, next) => {
      if (this.#pattern && !this.#pattern.test(c.req.path)) return next();
      if (this.#callsLeft <= 0) return next();
      this.#callsLeft -= 1;
      const faults = this.#faults;
      if (faults.jitterMs > 0) await sleep(Math.random() * faults.jitterMs);

      const retryAfter = exemptFromRateLimit ? undefined : this.#rateLimited(Date.now());
      if (retryAfter !== undefined) {
        const response = clerkErrorResponse(429, [
          { code: "too_many_requests", message: "Too many requests", long_message: "Too many requests, retry later." },
        ]);
        response.headers.set("Retry-After", String(retryAfter));
        return response;
      }

      let roll = Math.random();
      const draw = (fraction: number) => {
        const hit = roll < fraction;
        roll -= fraction;
        return hit;
      };
      const socket = c.env?.incoming?.socket;
      if (draw(faults.resetRate) && socket) {
        socket.destroy();
        return new Response(null, { status: 499 });
      }
      if (draw(faults.hangRate) && socket) {
        // Accept the call and never answer; let go only when the caller does.
        await new Promise((resolve) => socket.once("close", resolve));
        return new Response(null, { status: 499 });
      }
      if (draw(faults.errorRate)) {
        const status = faults.errorStatuses[Math.floor(Math.random() * faults.errorStatuses.length)]!;
        return clerkErrorResponse(status, [
          {
            code: "internal_clerk_error",
            message: "Oops, an unexpected error occurred",
            long_message: `HTTP ${status}`,
          },
        ]);
      }
      if (draw(faults.notJsonRate)) {
        return new Response("<html><body>502 Bad Gateway</body></html>", {
          status: 200,
          headers: { "Content-Type": "application/json" },
        });
      }
      const wrongContentType = draw(faults.wrongContentTypeRate);
      await next();
      if (wrongContentType) {
        c.res = new Response(c.res.body, { status: c.res.status, headers: { "Content-Type": "text/plain" } });
      }
    };
  }
}
