import { gzipSync } from "node:zlib";
import type { AppServer } from "../../support/app-server";
import { percentile } from "./statistics";

/** Same-origin scripts the HTML loads: module preloads, script sources and inline module imports. */
function firstPartyScriptUrls(html: string, origin: string): string[] {
  const found = [
    ...[...html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*>/g)].map(
      (tag) => /\bhref="([^"]+)"/.exec(tag[0])?.[1],
    ),
    ...[...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)].map((match) => match[1]),
    ...[...html.matchAll(/\b(?:import|from)\s*"([^"]+\.js)"/g)].map((match) => match[1]),
  ];
  const urls = found.filter((url): url is string => url !== undefined).map((url) => new URL(url, origin));
  // clerk-js is Clerk's, from its CDN or through the Frontend API proxy: not first-party.
  const firstParty = urls.filter((url) => url.origin === origin && !url.pathname.includes("/@clerk/clerk-js"));
  return [...new Set(firstParty.map(String))];
}

/** The home page's first-party JavaScript, gzipped, and its server render time signed out and signed in. */
export async function homePage(app: AppServer, sessionToken: string, requests: number) {
  const html = await (await fetch(`${app.url}/`, { headers: { Accept: "text/html" } })).text();
  const scripts = await Promise.all(
    firstPartyScriptUrls(html, app.url).map(async (url) => {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
      return gzipSync(Buffer.from(await response.arrayBuffer())).length;
    }),
  );
  const inlineScripts = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)]
    .map((match) => match[1] ?? "")
    .join("\n");

  const renderMs = async (headers: Record<string, string>) => {
    const times: number[] = [];
    for (let i = 0; i < requests; i += 1) {
      const started = performance.now();
      const response = await fetch(`${app.url}/`, { headers: { Accept: "text/html", ...headers } });
      await response.text();
      if (response.status !== 200) throw new Error(`GET / answered ${response.status}`);
      times.push(performance.now() - started);
    }
    return percentile(times, 0.5);
  };
  return {
    scriptFiles: scripts.length,
    scriptGzipBytes: scripts.reduce((sum, bytes) => sum + bytes, 0),
    inlineScriptGzipBytes: gzipSync(inlineScripts).length,
    renderP50SignedOutMs: await renderMs({}),
    renderP50SignedInMs: await renderMs({ Authorization: `Bearer ${sessionToken}` }),
  };
}
export type HomePage = Awaited<ReturnType<typeof homePage>>;
