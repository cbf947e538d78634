import { createConnection, createServer, type Socket } from "node:net";
import { freePort } from "./app-server";

/** One connection through the proxy: both its sockets, and whatever the relay wants to remember about it. */
export interface ProxiedConnection {
  sockets: [client: Socket, upstream: Socket];
  notes: Record<string, boolean>;
}

/** What passes each way: the bytes to write on, or undefined to swallow them. */
export interface Relay {
  toServer?(chunk: Buffer, connection: ProxiedConnection): Buffer | undefined;
  toClient?(chunk: Buffer, connection: ProxiedConnection): Buffer | undefined;
}

/**
 * A TCP proxy on a free port of 127.0.0.1 to `targetPort` there, for tests that need a
 * peer to misbehave: `relay` sees and may change or swallow every chunk; a socket closing
 * or failing closes the other.
 */
export async function startTcpProxy(targetPort: number, relay: Relay = {}) {
  const connections: ProxiedConnection[] = [];
  const proxy = createServer((client) => {
    const upstream = createConnection({ port: targetPort, host: "127.0.0.1" });
    const connection: ProxiedConnection = { sockets: [client, upstream], notes: {} };
    connections.push(connection);
    client.on("data", (chunk: Buffer) => {
      const passed = relay.toServer ? relay.toServer(chunk, connection) : chunk;
      if (passed) upstream.write(passed);
    });
    upstream.on("data", (chunk: Buffer) => {
      const passed = relay.toClient ? relay.toClient(chunk, connection) : chunk;
      if (passed) client.write(passed);
    });
    for (const [socket, other] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      socket.on("error", () => other.destroy());
      socket.on("close", () => other.destroy());
    }
  });
  const port = await freePort();
  await new Promise<void>((resolve) => proxy.listen(port, "127.0.0.1", resolve));
  return {
    port,
    connections,
    close() {
      for (const { sockets } of connections) sockets.forEach((socket) => socket.destroy());
      proxy.close();
    },
  };
}
