import { readFileSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { Hono } from "hono";
import { notFoundResponse } from "../../http";

// clerk-js itself, from the installed @clerk/clerk-js package, at the path Clerk's CDN uses:
// `/npm/@clerk/clerk-js@<version>/dist/<file>`. The bundle loads its lazy chunks from the same
// directory with its exact version in the path, so any version segment serves the installed files.

const CONTENT_TYPES: Record<string, string> = {
  ".js": "application/javascript; charset=utf-8",
  ".mjs": "application/javascript; charset=utf-8",
  ".map": "application/json",
};
const PACKAGE_SEGMENT = /^clerk-js@([\w.+-]+)$/;
// A plain file name: no separators, and no leading dot, so `..` cannot leave dist/.
const FILE_NAME = /^[\w@-][\w.@-]*$/;
const ONE_YEAR_SECONDS = 31_536_000;

interface InstalledClerkJs {
  distDir: string;
  version: string;
}

function findInstalledClerkJs(): InstalledClerkJs | undefined {
  try {
    const packageJson = createRequire(import.meta.url).resolve("@clerk/clerk-js/package.json");
    const { version } = JSON.parse(readFileSync(packageJson, "utf8")) as { version: string };
    return { distDir: path.join(path.dirname(packageJson), "dist"), version };
  } catch {
    return undefined;
  }
}

export function clerkJsRoutes(): Hono {
  let installed: InstalledClerkJs | undefined;
  return new Hono().get("/npm/@clerk/:package/dist/:file", async (c) => {
    const version = PACKAGE_SEGMENT.exec(c.req.param("package"))?.[1];
    const file = c.req.param("file");
    const contentType = CONTENT_TYPES[path.extname(file)];
    const notFound = notFoundResponse(`No clerk-js file exists at ${c.req.path}`);
    if (version === undefined || !FILE_NAME.test(file) || contentType === undefined) return notFound;

    installed ??= findInstalledClerkJs();
    if (!installed) {
      return notFoundResponse("clerk-js is not installed", "Install @clerk/clerk-js (npm install) to serve clerk-js.");
    }
    const filePath = path.join(installed.distDir, file);
    const stats = await stat(filePath).catch(() => undefined);
    if (!stats?.isFile()) return notFound;

    const etag = `"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
    const headers = {
      "Content-Type": contentType,
      // An exact version's files never change; a range such as `@5` is revalidated, cheaply by ETag.
      "Cache-Control": version === installed.version ? `public, max-age=${ONE_YEAR_SECONDS}, immutable` : "no-cache",
      ETag: etag,
    };
    if (c.req.header("If-None-Match") === etag) return new Response(null, { status: 304, headers });
    return new Response(await readFile(filePath), { headers });
  });
}
