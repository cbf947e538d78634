import type { ActionFunctionArgs } from "@remix-run/node";
import { apiError } from "~/utils/http/responses.server";
import { clerkWebhook } from "~/utils/clerk/webhooks.server";

// POST /api/webhooks/clerk — Clerk's session and user events (see docs/scaling.md).
export const action = ({ request }: ActionFunctionArgs) => clerkWebhook(request);

export const loader = () =>
  apiError(405, { message: "Clerk delivers webhooks with POST.", code: "method_not_allowed" }, { Allow: "POST" });
