// The part of autocannon's library API that scripts/bench/ and scripts/soak.ts use (the package ships no types).
declare module "autocannon" {
  interface RequestParams {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
  }

  interface Request extends RequestParams {
    /** Called before each request is sent; returns the request to send. */
    setupRequest?: (request: RequestParams) => RequestParams;
    /** Called with each answer to this request (scripts/soak.ts classifies them). */
    onResponse?: (status: number, body: string) => void;
  }

  interface Options {
    url: string;
    connections?: number;
    /** Seconds. */
    duration?: number;
    /** Requests per second across all connections. */
    overallRate?: number;
    headers?: Record<string, string>;
    requests?: Request[];
  }

  interface Result {
    /** `total`: answers received; `sent`: requests sent, answered or not when the run stopped. */
    requests: { total: number; sent: number; average: number };
    /** Seconds. */
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
  }

  /** A running load: awaiting it gives the result. */
  interface Instance extends PromiseLike<Result> {
    on(
      event: "response",
      listener: (client: object, statusCode: number, bytes: number, responseTimeMs: number) => void,
    ): this;
  }

  function autocannon(options: Options): Instance;
  export default autocannon;
}
