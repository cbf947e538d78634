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
