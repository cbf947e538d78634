import { verifyWebhook } from "@clerk/backend/webhooks";
import { webhookActionOf } from "~/utils/clerk/webhook-events.server";
import { config } from "~/utils/config/config.server";
import { apiError, jsonResponse } from "~/utils/http/responses.server";
import { revocations } from "~/utils/tokens/sharing/stores.server";

/**
 * `POST /api/webhooks/clerk`: Clerk's announcements that a session or user is
 * gone, or a user's organization membership or an organization changed, verified with `verifyWebhook` (Svix / Standard Webhooks signatures,
 * stale timestamps refused) and their shape checked (webhook-events.server.ts),
 * close the reuse window at once instead of at the end of it. Other events are
 * acknowledged and ignored.
 */

// Clerk's session and user events are a few kilobytes.
const MAX_BODY_BYTES = 256 * 1024;
// Long enough for Redis to come back; Clerk retries a failed delivery on its own schedule anyway.
const RETRY_AFTER_SECONDS = 5;

function log(message: string) {
  console.error(`[webhook] ${message}`);
}

/** The body as text, or undefined when it is larger than a webhook can be. */
async function boundedText(request: Request): Promise<string | undefined> {
  if (Number(request.headers.get("Content-Length") ?? 0) > MAX_BODY_BYTES) return undefined;
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body?.getReader();
  for (let read = await reader?.read(); read && !read.done; read = await reader!.read()) {
    size += read.value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader!.cancel();
      return undefined;
    }
    chunks.push(read.value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export async function answerClerkWebhook(request: Request, signingSecret: string): Promise<Response> {
  const body = await boundedText(request);
  if (body === undefined) {
    // The rest of the body is not read: the connection cannot carry another request.
    return apiError(
      413,
      { message: `Send at most ${MAX_BODY_BYTES} bytes.`, code: "payload_too_large" },
      { Connection: "close" },
    );
  }
  let event: unknown;
  try {
    event = await verifyWebhook(new Request(request.url, { method: "POST", headers: request.headers, body }), {
      signingSecret,
    });
  } catch {
    return apiError(400, {
      message: "The webhook's svix-id, svix-timestamp or svix-signature header is missing, wrong or too old.",
      code: "webhook_not_verified",
    });
  }
  const action = webhookActionOf(event);
  if (action.kind === "invalid") {
    log(`refused a verified event: ${action.problem}`);
    return apiError(400, {
      message: `The event is not shaped as Clerk sends it: ${action.problem}.`,
      code: "webhook_payload_invalid",
    });
  }
  if (action.kind === "ignore") return jsonResponse({ received: true }, 200);
  const { complete } = await revocations.revoke(action.target);
  log(
    `${action.type}: reused tokens dropped${complete ? "" : " in this machine's processes only (Redis unavailable)"}`,
  );
  if (!complete) {
    return apiError(
      503,
      {
        message: "Redis could not be reached to drop the shared tokens; deliver it again.",
        code: "revocation_incomplete",
      },
      { "Retry-After": String(RETRY_AFTER_SECONDS) },
    );
  }
  return jsonResponse({ received: true }, 200);
}

/** The route's answer. server/index.ts routes a POST here only when CLERK_WEBHOOK_SIGNING_SECRET is set (else 405). */
export function clerkWebhook(request: Request): Promise<Response> {
  // Without a secret no signature verifies: a 400, should another server ever route a POST here.
  return answerClerkWebhook(request, config.webhookSigningSecret ?? "");
}
