import { connect } from "node:net";

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function decodeChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = body.indexOf("\r\n", offset);
    const size = parseInt(body.subarray(offset, lineEnd).toString(), 16);
    if (!size) return Buffer.concat(parts);
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
}

/**
 * Sends bytes exactly as given — duplicate headers, control characters,
 * non-ASCII — which fetch() refuses to send, and reads the whole answer.
 * Adds the server's Host unless the request head has one of its own.
 */
export async function rawRequest(baseUrl: string, requestHead: string): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  const socket = connect(Number(port), hostname);
  const host = /\r\nHost:/i.test(requestHead) ? "" : `\r\nHost: ${hostname}:${port}`;
  // Written, not ended: a half-closed socket makes Node drop the answer; "Connection: close" ends it.
  socket.write(Buffer.from(`${requestHead}${host}\r\nConnection: close\r\n\r\n`, "utf8"));
  const chunks: Buffer[] = [];
  for await (const chunk of socket) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const headEnd = raw.indexOf("\r\n\r\n");
  const [statusLine = "", ...headerLines] = raw.subarray(0, headEnd).toString("latin1").split("\r\n");
  const headers = Object.fromEntries(
    headerLines.map((line) => {
      const colon = line.indexOf(":");
      return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
    }),
  );
  const body = raw.subarray(headEnd + 4);
  return {
    status: Number(statusLine.split(" ")[1]),
    headers,
    body: (headers["transfer-encoding"] === "chunked" ? decodeChunked(body) : body).toString("utf8"),
  };
}

/**
 * Sends `head` and then `trickle` one byte every `everyMs`, as a slow or hostile client does,
 * until the server closes the connection or `giveUpMs` passes: what the server sent, and
 * after how long it closed (undefined if it never did).
 */
export async function trickleRequest(
  baseUrl: string,
  { head, trickle, everyMs, giveUpMs }: { head: string; trickle: string; everyMs: number; giveUpMs: number },
): Promise<{ answer: string; closedAfterMs?: number; bytesSent: number }> {
  const { hostname, port } = new URL(baseUrl);
  const socket = connect(Number(port), hostname);
  const started = performance.now();
  let answer = "";
  let bytesSent = 0;
  socket.on("data", (chunk: Buffer) => (answer += chunk.toString("utf8")));
  socket.on("error", () => {});
  socket.write(head);
  const timer = setInterval(() => {
    if (bytesSent < trickle.length && socket.writable) socket.write(trickle[bytesSent++]!);
  }, everyMs);
  const closedAfterMs = await new Promise<number | undefined>((resolve) => {
    const giveUp = setTimeout(() => resolve(undefined), giveUpMs);
    socket.once("close", () => {
      clearTimeout(giveUp);
      resolve(performance.now() - started);
    });
  });
  clearInterval(timer);
  socket.destroy();
  return { answer, closedAfterMs, bytesSent };
}
