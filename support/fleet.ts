import { execFileSync } from "node:child_process";
import { request } from "node:http";

/**
 * What tests and the bench need to look at a fleet of workers: requests on
 * a new connection each (so the cluster spreads them over its workers), and
 * the processes behind an `npm start`.
 */

export interface TokenAnswer {
  status: number;
  body: { token?: { jwt: string }; code?: string };
  /** The Server-Timing header. */
  timing: string;
}

/** GET on a connection of its own: the cluster's primary hands each new connection to the next worker. */
export function getOnNewConnection(url: string, headers: Record<string, string> = {}): Promise<TokenAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers: { Connection: "close", ...headers } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => {
        try {
          resolve({
            status: res.statusCode!,
            body: JSON.parse(text),
            timing: String(res.headers["server-timing"] ?? ""),
          });
        } catch (error) {
          reject(error);
        }
      });
    });
    req.on("error", reject);
    req.end();
  });
}

/** The node processes running build/server.js under `rootPid`: the primary and its workers. */
export function serverProcesses(rootPid: number): { primary: number; workers: number[] } {
  const rows = execFileSync("ps", ["-e", "-o", "pid=,ppid=,args="], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((line) => line.trim().match(/^(\d+)\s+(\d+)\s+(.*)$/)!)
    .map(([, pid, ppid, args]) => ({ pid: Number(pid), ppid: Number(ppid), args: args! }));
  const descendants = new Set([rootPid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const row of rows) {
      if (descendants.has(row.ppid) && !descendants.has(row.pid)) {
        descendants.add(row.pid);
        grew = true;
      }
    }
  }
  const servers = rows.filter(
    (row) => descendants.has(row.pid) && /^\S*node\s.*(scripts\/start|build\/server)\.js/.test(row.args),
  );
  const primary = servers.find((row) => !servers.some((other) => other.pid === row.ppid))!;
  return { primary: primary.pid, workers: servers.filter((row) => row.ppid === primary.pid).map((row) => row.pid) };
}

/** Runs `work` over `items` with at most `limit` at a time. */
export async function inBatches<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += limit)
    results.push(...(await Promise.all(items.slice(i, i + limit).map(work))));
  return results;
}
