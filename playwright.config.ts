import { defineConfig } from "@playwright/test";
import type { InstanceKind } from "./emulator/src/tokens/keys";
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from "./tests/e2e/chromium";

const REHEARSALS = /\/e2e\/rehearsal\/[^/]+\.spec\.ts$/;

export default defineConfig<{ instanceKind: InstanceKind }>({
  testDir: "tests/e2e",
  outputDir: "test-results/playwright",
  globalSetup: "./tests/e2e/global-setup.ts",
  timeout: 60_000,
  workers: 1,
  retries: 0,
  use: {
    browserName: "chromium",
    launchOptions: { executablePath: CHROMIUM_EXECUTABLE, args: CHROMIUM_ARGS },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    // @clerk/testing's clerkSetup() for the offline instance, as Clerk's Playwright guide runs it (clerk.setup.ts).
    { name: "clerk-setup", testMatch: /clerk\.setup\.ts$/ },
    // The offline emulator behind the app's same-origin proxy (global-setup.ts).
    { name: "offline", testIgnore: REHEARSALS, dependencies: ["clerk-setup"] },
    // Real Clerk rehearsed: the app started with the keys alone, clerk-js on Clerk's hosts (rehearsal/stage.ts),
    // clerkSetup() run where each stage's instance starts (rehearsal/fixtures.ts).
    { name: "real-clerk-development", testMatch: REHEARSALS, use: { instanceKind: "development" } },
    { name: "real-clerk-production", testMatch: REHEARSALS, use: { instanceKind: "production" } },
  ],
});
