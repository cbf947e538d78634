import { RouteErrorBox } from "~/components/RouteErrorBox";
import { apiError } from "~/utils/http/responses.server";

/**
 * Every path no other route takes: a 404 rendered inside the app, so that the root
 * loader runs and the page keeps the banner, the header and the user button (with
 * no route matched at all, Remix would render the root boundary without its data).
 */
export function loader() {
  throw apiError(404, { message: "There is no page here.", code: "not_found" });
}

export default function NotFound() {
  return null;
}

export function ErrorBoundary() {
  return <RouteErrorBox back={{ to: "/", label: "Back to the token explorer" }} />;
}
