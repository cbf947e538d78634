import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, runAppServerToExit } from "../../support/app-server";
import { makeTempDir } from "../../support/temp-dir";

describe("npm start", () => {
  it("refuses to start without Clerk keys and says which variable is missing", async () => {
    const { code, output } = await runAppServerToExit({});
    expect(code).not.toBe(0);
    expect(output).toContain("CLERK_SECRET_KEY is missing");
    expect(output).toContain("CLERK_PUBLISHABLE_KEY is missing");
    expect(output).toContain("`npm run start:offline` for the production build");
  });

  it("before a build, says to run npm run build instead of failing with a stack", async () => {
    // scripts/start.js, as it is, in a checkout that has no build/ yet.
    const checkout = await makeTempDir();
    try {
      mkdirSync(path.join(checkout.dir, "scripts"));
      copyFileSync(path.join(REPO_ROOT, "scripts/start.js"), path.join(checkout.dir, "scripts/start.js"));
      const { status, stderr } = spawnSync(process.execPath, ["scripts/start.js"], {
        cwd: checkout.dir,
        encoding: "utf8",
      });
      expect(status).toBe(1);
      expect(stderr).toContain("There is no production build yet: run `npm run build`, then `npm start`.");
      expect(stderr).not.toMatch(/\n\s+at /);
    } finally {
      await checkout.remove();
    }
  });
});
