import { isRouteErrorResponse, Link, useRouteError } from "@remix-run/react";

/** A route's deliberate error answer (status, code, message) as a page, with the way back. */
export function RouteErrorBox({ back }: { back: { to: string; label: string } }) {
  const error = useRouteError();
  const body = isRouteErrorResponse(error) ? (error.data as { message?: string; code?: string }) : undefined;
  return (
    <section className="error-box" role="alert">
      <h1>{isRouteErrorResponse(error) ? `HTTP ${error.status}` : "Something went wrong"}</h1>
      {body?.code && <code>{body.code}</code>}
      <p>{body?.message ?? "The page could not be loaded."}</p>
      <p>
        <Link to={back.to}>{back.label}</Link>
      </p>
    </section>
  );
}
