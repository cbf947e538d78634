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
    /** Seconds a request may wait for its answer (default 10). */
    timeout?: number;
    /** Called with each connection's client as it is made (scripts/soak-mix.ts reaches into it). */
    setupClient?: (client: Client) => void;
  }

  /** autocannon's per-connection client: the internals scripts/soak-mix.ts works around. */
  export interface Client {
    _connect(): void;
    /** The requests sent on this connection and not answered yet, each with its process.hrtime() when sent. */
    pipelinedRequests: { clear(): void; toArray(): Array<{ startTime: [number, number] }> };
  }

  interface Result {
    /** `total`: answers received; `sent`: requests sent, answered or not when the run stopped. */
    requests: { total: number; sent: number; average: number };
    /** Seconds. */
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    /** Milliseconds, over every answer. */
    latency: { p50: number; p99: number; max: number };
  }

  /** A running load: awaiting it gives the result. */
  interface Instance extends PromiseLike<Result> {
    on(
      event: "response",
      listener: (client: object, statusCode: number, bytes: number, responseTimeMs: number) => void,
    ): this;
    /** A request that got no answer: its connection failed, or it timed out (scripts/soak.ts times them). */
    on(event: "reqError", listener: (error: Error) => void): this;
  }

  function autocannon(options: Options): Instance;
  export default autocannon;
}
