import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../support/app-server";

/** The promises the layout makes to a reader (docs/architecture.md), kept by a test so they cannot drift. */

const SOURCE_FILE = /\.(ts|tsx|js|mjs)$/;
const MAX_SOURCE_LINES = 300;
const MAX_README_LINES = 150;

function sourceFilesUnder(folder: string): string[] {
  return readdirSync(path.join(REPO_ROOT, folder)).flatMap((name) => {
    const relative = path.join(folder, name);
    if (statSync(path.join(REPO_ROOT, relative)).isDirectory()) return sourceFilesUnder(relative);
    return SOURCE_FILE.test(name) ? [relative] : [];
  });
}

const read = (relative: string) => readFileSync(path.join(REPO_ROOT, relative), "utf8");
const lineCount = (text: string) => text.split("\n").length - (text.endsWith("\n") ? 1 : 0);

describe("the layout", () => {
  it.each(["app/routes/api.get-token-example.ts", "app/routes/tokens.$template.tsx"])(
    "%s makes the documented calls itself: getAuth and clerkClient.sessions.getToken",
    (route) => {
      const source = read(route);
      expect(source).toMatch(/await getAuth\(args[,)]/);
      expect(source).toContain("clerkClient.sessions.getToken(sessionId, template)");
    },
  );

  it(`keeps every source file of app/, server/, emulator/src/ and scripts/ within ${MAX_SOURCE_LINES} lines`, () => {
    const files = ["app", "server", "emulator/src", "scripts"].flatMap(sourceFilesUnder);
    expect(files.length).toBeGreaterThan(40);
    const tooLong = files.filter((file) => lineCount(read(file)) > MAX_SOURCE_LINES);
    expect(tooLong).toEqual([]);
  });

  it("shows the token route's loader in the README exactly as the route has it", () => {
    const route = read("app/routes/api.get-token-example.ts");
    const loader = route.slice(route.indexOf("export async function loader")).trim();
    expect(read("README.md")).toContain(`\`\`\`ts\n${loader}\n\`\`\``);
  });

  it(`keeps the README within ${MAX_README_LINES} lines`, () => {
    expect(lineCount(read("README.md"))).toBeLessThanOrEqual(MAX_README_LINES);
  });

  it("never imports the emulator from the app or its server", () => {
    const importsEmulator = /from\s+["'][^"']*emulator\//;
    const offenders = ["app", "server"].flatMap(sourceFilesUnder).filter((file) => importsEmulator.test(read(file)));
    expect(offenders).toEqual([]);
  });
});
