import { isRouteErrorResponse, Link, useRouteError } from "@remix-run/react";
import type { ReactNode } from "react";

/** What a status means to someone reading the page; the status and code follow in small print. */
const HEADLINES: Record<number, string> = {
  400: "That request cannot be answered",
  401: "Sign in first",
  403: "Not allowed",
  404: "Page not found",
  405: "That method is not supported here",
  429: "Too many requests",
};

export type RouteErrorBody = { message?: string; code?: string; [extra: string]: unknown };

/** The thrown Response's body as the route sent it, when it is one of the app's JSON error answers. */
export function useRouteErrorBody(): { status?: number; body?: RouteErrorBody } {
  const error = useRouteError();
  if (!isRouteErrorResponse(error)) return {};
  return { status: error.status, body: typeof error.data === "object" ? (error.data as RouteErrorBody) : undefined };
}

/**
 * A route's deliberate error answer (status, code, message) as a page, with the way back.
 * `headline` and `children` let a route say more for an error it knows.
 */
export function RouteErrorBox({
  back,
  headline,
  children,
}: {
  back: { to: string; label: string };
  headline?: ReactNode;
  children?: ReactNode;
}) {
  const { status, body } = useRouteErrorBody();
  return (
    <section className="error-box" role="alert">
      <h1>{headline ?? (status ? (HEADLINES[status] ?? "Something went wrong") : "Something went wrong")}</h1>
      {status && (
        <p className="error-status">
          {`HTTP ${status}`}
          {body?.code && (
            <>
              {" · "}
              <code>{body.code}</code>
            </>
          )}
        </p>
      )}
      <p>{body?.message ?? "The page could not be loaded."}</p>
      {children}
      <p>
        <Link to={back.to}>{back.label}</Link>
      </p>
    </section>
  );
}
