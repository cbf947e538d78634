// GET /healthz — a liveness check for process managers and tests; touches no Clerk API.
export const loader = () => new Response("ok", { headers: { "Cache-Control": "no-store" } });
