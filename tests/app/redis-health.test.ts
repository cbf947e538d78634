import { createClient } from "redis";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import {
  CHANNEL,
  HEALTH_CHECK_INTERVAL_MS,
  HEALTH_CHECK_TIMEOUT_MS,
  RedisLink,
  RedisUnavailable,
} from "~/utils/tokens/sharing/redis-link.server";
import { startLocalRedis, type LocalRedis } from "../../support/redis-server";
import { startTcpProxy, type ProxiedConnection } from "../../support/tcp-proxy";

/**
 * A connection to Redis whose peer goes silent — the socket stays open, no
 * byte comes back, nothing fails — against a real redis-server behind a TCP
 * proxy that can stop passing one connection's bytes: the link must notice
 * it and replace the connection, not wait forever.
 */

let redis: LocalRedis;
let publisher: ReturnType<typeof createClient>;

beforeAll(async () => {
  redis = await startLocalRedis();
  publisher = createClient({ url: redis.url });
  await publisher.connect();
}, 30_000);

afterAll(async () => {
  await publisher?.destroy();
  await redis?.remove();
});

/** A proxy to Redis that can make the subscriber's or the commands' connections go silent both ways, without closing them. */
async function silencingProxy(redisPort: number) {
  const unlessSilent = (chunk: Buffer, connection: ProxiedConnection) => (connection.notes.silent ? undefined : chunk);
  const proxy = await startTcpProxy(redisPort, {
    toServer(chunk, connection) {
      if (/SUBSCRIBE/i.test(chunk.toString("latin1"))) connection.notes.subscribed = true;
      return unlessSilent(chunk, connection);
    },
    toClient: unlessSilent,
  });
  const subscribed = () => proxy.connections.filter((connection) => connection.notes.subscribed);
  const commands = () => proxy.connections.filter((connection) => !connection.notes.subscribed);
  return {
    url: `redis://127.0.0.1:${proxy.port}`,
    subscriptions: () => subscribed().length,
    commandConnections: () => commands().length,
    silenceSubscribers: () => subscribed().forEach((connection) => (connection.notes.silent = true)),
    silenceCommands: () => commands().forEach((connection) => (connection.notes.silent = true)),
    close: proxy.close,
  };
}

it("a subscriber connection that stops answering is noticed within seconds and replaced, and messages arrive again", async () => {
  const proxy = await silencingProxy(redis.port);
  const messages: string[] = [];
  let eventsLost = 0;
  const logged = vi.spyOn(console, "error").mockImplementation(() => {});
  const link = new RedisLink(proxy.url, 50, {
    onMessage: (message) => messages.push(message),
    onEventsLost: () => (eventsLost += 1),
  });
  try {
    await expect.poll(() => link.hearsEvents, { timeout: 10_000, interval: 20 }).toBe(true);
    await publisher.publish(CHANNEL, "before");
    await expect.poll(() => messages).toEqual(["before"]);

    proxy.silenceSubscribers();
    const silencedAt = performance.now();
    await publisher.publish(CHANNEL, "lost");
    const detection = HEALTH_CHECK_INTERVAL_MS + HEALTH_CHECK_TIMEOUT_MS + 1000;
    await expect.poll(() => eventsLost, { timeout: detection, interval: 20 }).toBe(1);
    // A second connection subscribed, through the same proxy, and sharing resumed.
    await expect.poll(() => proxy.subscriptions(), { timeout: 5000, interval: 20 }).toBe(2);
    await expect.poll(() => link.hearsEvents, { timeout: 5000, interval: 20 }).toBe(true);
    console.info(
      `Silent subscriber replaced and listening again after ${(performance.now() - silencedAt).toFixed(0)} ms`,
    );
    await publisher.publish(CHANNEL, "after");
    await expect.poll(() => messages).toEqual(["before", "after"]);
    const lines = logged.mock.calls.map(([line]) => String(line));
    expect(lines).toContain(
      `[redis] The subscriber connection did not answer a PING within ${HEALTH_CHECK_TIMEOUT_MS} ms: replacing it.`,
    );
    expect(lines.filter((line) => line.startsWith("[redis] Sharing resumed"))).toHaveLength(1);
  } finally {
    link.close();
    proxy.close();
    logged.mockRestore();
  }
});

it("a commands connection that stops answering ends the requests waiting on it within REDIS_TIMEOUT_MS + 1 s, and is replaced", async () => {
  const proxy = await silencingProxy(redis.port);
  const logged = vi.spyOn(console, "error").mockImplementation(() => {});
  const link = new RedisLink(proxy.url, 50, { onMessage: () => {}, onEventsLost: () => {} });
  try {
    await expect.poll(() => link.isUp, { timeout: 10_000, interval: 20 }).toBe(true);
    expect(await link.awaitReply(link.send((client) => client.ping()))).toBe("PONG");
    proxy.silenceCommands();
    const asked = performance.now();
    // The health check the late reply started, or the request's own limit, whichever ends first.
    await expect(link.awaitReply(link.send((client) => client.ping()))).rejects.toBeInstanceOf(RedisUnavailable);
    const waited = performance.now() - asked;
    console.info(`A request waited ${waited.toFixed(0)} ms for a silent commands connection`);
    expect(waited).toBeLessThan(50 + HEALTH_CHECK_TIMEOUT_MS + 300);
    const replaced = `[redis] The commands connection did not answer a PING within ${HEALTH_CHECK_TIMEOUT_MS} ms: replacing it.`;
    await expect
      .poll(() => logged.mock.calls.map(([line]) => String(line)), { timeout: 1000, interval: 20 })
      .toContain(replaced);
    // A new connection, through the same proxy, and sharing resumes.
    await expect.poll(() => link.isUp, { timeout: 5000, interval: 20 }).toBe(true);
    expect(proxy.commandConnections()).toBe(2);
    expect(await link.awaitReply(link.send((client) => client.ping()))).toBe("PONG");
  } finally {
    link.close();
    proxy.close();
    logged.mockRestore();
  }
});
