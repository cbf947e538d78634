import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";

/**
 * A stand-in for Clerk's Backend API at the network edge, for answers the
 * emulator does not give (rate limits, outages, garbage, silence).
 */
export async function startStubClerk(handle: (req: IncomingMessage, res: ServerResponse) => void) {
  const sockets = new Set<Socket>();
  let unanswered = 0;
  const server = createServer((req, res) => {
    unanswered += 1;
    res.on("close", () => (unanswered -= 1));
    handle(req, res);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return {
    url: `http://127.0.0.1:${address.port}`,
    /** Calls the app has made and not yet given up on or had answered. */
    unansweredCalls: () => unanswered,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, "close");
    },
  };
}

/** Clerk's error body, as the Backend API sends it. */
export function clerkErrorBody(code: string, message: string) {
  return JSON.stringify({
    errors: [{ code, message, long_message: message, meta: {} }],
    clerk_trace_id: "trace_stub",
  });
}
