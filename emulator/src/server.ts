import { Hono, type MiddlewareHandler } from "hono";
import { methodOverride } from "hono/method-override";
import type { EmulatorContext } from "./context";
import { FaultInjector } from "./faults";
import { faultAdminRoutes } from "./routes/admin/faults";
import { clerkErrorResponse, notFoundResponse } from "./http";
import { clientRoutes } from "./routes/backend/clients";
import { jwksRoutes } from "./routes/backend/jwks";
import { jwtTemplateRoutes } from "./routes/backend/jwt-templates";
import { organizationRoutes } from "./routes/backend/organizations";
import { sessionRoutes } from "./routes/backend/sessions";
import { signInTokenRoutes } from "./routes/backend/sign-in-tokens";
import { testingTokenRoutes } from "./routes/backend/testing-tokens";
import { userOrganizationMembershipRoutes } from "./routes/backend/user-organization-memberships";
import { userRoutes } from "./routes/backend/users";
import { frontendApiRoutes } from "./routes/frontend";
import { setTimeout as sleep } from "node:timers/promises";

export interface AppOptions {
  secretKey: string;
  latencyMs: number;
  faults: FaultInjector;
  log: (line: string) => void;
  logProxiedRequests: boolean;
  /** Counts the requests being answered right now. */
  requests: { inFlight: number };
  /** Called once each request is answered (the state saver: store/persistence.ts). */
  afterRequest?: () => void;
}

// Path segments that look like a JWT (its header always starts `eyJ`) or a secret key are
// never written to the log; file names such as clerk.browser.js are.
const SECRET_LOOKING_SEGMENT = /^(?:eyJ[\w-]*\.[\w-]+\.[\w-]*|sk_[\w-]+)$/;

/** Logs one line per request: method, path without query, status, milliseconds. */
function requestLog(log: (line: string) => void): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const path = c.req.path
      .split("/")
      .map((segment) => (SECRET_LOOKING_SEGMENT.test(segment) ? "[redacted]" : segment))
      .join("/");
    const testingToken = c.get("testingToken");
    const note = testingToken ? ` (testing token ${testingToken})` : "";
    log(`${c.req.method} ${path} ${c.res.status} ${Math.round(performance.now() - started)}ms${note}`);
  };
}

function countInFlight(requests: { inFlight: number }, afterRequest?: () => void): MiddlewareHandler {
  return async (_c, next) => {
    requests.inFlight += 1;
    try {
      await next();
    } finally {
      requests.inFlight -= 1;
      afterRequest?.();
    }
  };
}

/** Stands in for the network round trip to Clerk. */
function simulatedLatency(latencyMs: number): MiddlewareHandler {
  return async (_c, next) => {
    if (latencyMs > 0) await sleep(latencyMs);
    await next();
  };
}

/** Backend API calls carry `Authorization: Bearer <secret key>`. */
function requireSecretKey(secretKey: string): MiddlewareHandler {
  return async (c, next) => {
    const authorization = c.req.header("Authorization");
    if (!authorization?.startsWith("Bearer ")) {
      return clerkErrorResponse(401, [
        {
          code: "authentication_invalid",
          message: "Invalid authentication",
          long_message: "Unable to authenticate the request, you need to supply an active secret key.",
        },
      ]);
    }
    if (authorization.slice("Bearer ".length) !== secretKey) {
      return clerkErrorResponse(401, [
        {
          code: "clerk_key_invalid",
          message: "Secret key invalid",
          long_message: "The provided secret key is invalid. Make sure that your secret key is correct.",
        },
      ]);
    }
    await next();
  };
}

export function createApp(context: EmulatorContext, options: AppOptions): Hono {
  const app = new Hono();
  // clerk-js sends PATCH, PUT and DELETE as POST with `?_method=…` (sparing a CORS preflight).
  // Registered first, so the request is dispatched and logged once, with its real method.
  const overrideMethod = methodOverride({ app, query: "_method" });
  app.use("/v1/client/*", overrideMethod);
  app.use("/v1/environment", overrideMethod);
  const logRequest = requestLog(options.log);
  // A proxying app logs what it forwards itself: one line per request, not two.
  app.use(
    options.logProxiedRequests
      ? logRequest
      : (c, next) => (c.req.header("Clerk-Proxy-Url") ? next() : logRequest(c, next)),
  );
  app.use(countInFlight(options.requests, options.afterRequest));

  const authenticated = requireSecretKey(options.secretKey);
  const delayed = simulatedLatency(options.latencyMs);
  // Like Clerk's, the emulated rate limit spares /v1/jwks.
  const faulty = options.faults.middleware();
  const backendApi = [
    {
      path: "/v1/jwks",
      routes: jwksRoutes(context),
      middleware: [options.faults.middleware({ exemptFromRateLimit: true }), authenticated],
    },
    { path: "/v1/sessions", routes: sessionRoutes(context), middleware: [delayed, faulty, authenticated] },
    {
      path: "/v1/users",
      routes: new Hono().route("/", userRoutes(context)).route("/", userOrganizationMembershipRoutes(context)),
      middleware: [delayed, faulty, authenticated],
    },
    { path: "/v1/organizations", routes: organizationRoutes(context), middleware: [delayed, faulty, authenticated] },
    { path: "/v1/jwt_templates", routes: jwtTemplateRoutes(context), middleware: [delayed, faulty, authenticated] },
    { path: "/v1/clients", routes: clientRoutes(context), middleware: [delayed, faulty, authenticated] },
    { path: "/v1/sign_in_tokens", routes: signInTokenRoutes(context), middleware: [delayed, faulty, authenticated] },
    { path: "/v1/testing_tokens", routes: testingTokenRoutes(context), middleware: [delayed, faulty, authenticated] },
    { path: "/__emulator/faults", routes: faultAdminRoutes(options.faults), middleware: [authenticated] },
  ];
  for (const { path, routes, middleware } of backendApi) {
    app.route(path, new Hono().use(...middleware).route("/", routes));
  }
  app.route("/", frontendApiRoutes(context));

  app.notFound((c) => notFoundResponse("not found", `No route matches ${c.req.method} ${c.req.path}.`));
  app.onError((error) => {
    console.error(error);
    return clerkErrorResponse(500, [
      { code: "internal_clerk_error", message: "Oops, an unexpected error occurred", long_message: error.message },
    ]);
  });
  return app;
}
