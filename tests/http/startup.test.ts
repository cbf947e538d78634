import { describe, expect, it } from "vitest";
import { runAppServerToExit } from "../../support/app-server";

describe("npm start", () => {
  it("refuses to start without Clerk keys and says which variable is missing", async () => {
    const { code, output } = await runAppServerToExit({});
    expect(code).not.toBe(0);
    expect(output).toContain("CLERK_SECRET_KEY is missing");
    expect(output).toContain("CLERK_PUBLISHABLE_KEY is missing");
  });
});
