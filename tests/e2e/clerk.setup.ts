import { clerkSetup } from "@clerk/testing/playwright";
import { expect, test as setup } from "@playwright/test";

// Clerk's Playwright guide: a setup project that the tests depend on runs clerkSetup(), which asks
// the Backend API for a testing token and names the Frontend API (CLERK_TESTING_TOKEN, CLERK_FAPI,
// handed on to the test workers). The keys are the emulator's, set by global-setup.ts; dotenv off,
// so that a developer's .env with real keys never reaches these tests.
setup("clerkSetup() gets a testing token from the offline instance", async () => {
  await clerkSetup({ dotenv: false });
  expect(process.env.CLERK_TESTING_TOKEN).toMatch(/^\d{10}-[\w-]+$/);
  expect(process.env.CLERK_FAPI).toBe(new URL(process.env.CLERK_API_URL!).host);
});
