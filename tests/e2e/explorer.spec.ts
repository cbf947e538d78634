import { decodeJwt } from "jose";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { expectSignedIn, expectSignedOut } from "./clerk-ui";
import { signInAs } from "./clerk-testing";

/** What each seeded template's shortcodes render to for Alice (emulator/src/seed.json). */
const EXPECTED_CLAIMS: Record<string, Record<string, unknown>> = {
  test: { aud: "remix-clerk-tokens", email: "alice@example.com", sub: "user_seed_alice" },
  profile: {
    name: "Alice Anderson",
    greeting: "Hello, Alice!",
    email: "alice@example.com",
    email_verified: true,
    role: "admin",
    plan: "pro",
    home_address: "1 Main Street, Springfield",
    theme: "dark",
    app: { name: "remix-clerk-tokens", scopes: ["tokens:read"] },
  },
  "partner-hs256": { aud: "partner.example", user_id: "user_seed_alice", email: "alice@example.com" },
};

async function getTokenFor(page: Page, template: string) {
  await page.getByLabel("JWT template").selectOption(template);
  await page.getByRole("button", { name: "Get token" }).click();
  await expect(page.getByTestId("jwt")).toHaveText(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  await expect(page.getByTestId("jwt-claims")).toBeVisible();
  return decodeJwt((await page.getByTestId("jwt").textContent()) ?? "") as Record<string, unknown>;
}

test.beforeEach(async ({ page, baseURL }) => {
  await signInAs(page, baseURL!);
  await expectSignedIn(page);
});

for (const [template, expected] of Object.entries(EXPECTED_CLAIMS)) {
  test(`the explorer shows the ${template} template's claims for the signed-in user`, async ({ page }) => {
    const claims = await getTokenFor(page, template);
    expect(claims).toMatchObject(expected);
    await expect(page.getByTestId("countdown")).toHaveText(/expires in \d+ s/);
  });
}

test("the curl command the explorer shows works from outside the browser", async ({ page }) => {
  await getTokenFor(page, "profile");
  const command = (await page.getByTestId("curl-command").textContent()) ?? "";
  const [, authorization, url] = command.match(/-H "(Authorization: Bearer [\w.-]+)" "([^"]+)"/) ?? [];
  expect(authorization, command).toBeDefined();

  const response = await fetch(url!, { headers: { Authorization: authorization!.replace("Authorization: ", "") } });
  expect(response.status).toBe(200);
  const { token } = (await response.json()) as { token: { jwt: string } };
  expect(token.jwt.split(".")).toHaveLength(3);
});

test("nothing above the result moves when the token arrives", async ({ page }) => {
  const controls = [
    page.getByRole("heading", { name: "Token explorer" }),
    page.getByLabel("JWT template"),
    page.getByRole("button", { name: "Get token" }),
  ];
  const boxesBefore = await Promise.all(controls.map((control) => control.boundingBox()));
  await getTokenFor(page, "profile");
  const boxesAfter = await Promise.all(controls.map((control) => control.boundingBox()));
  expect(boxesAfter).toEqual(boxesBefore);
});

test("from 1024 px the encoded token and its decoded parts sit side by side; at 375 px one above the other", async ({
  page,
}) => {
  const encoded = page.getByRole("region", { name: "Encoded" });
  const decoded = page.getByRole("region", { name: "Decoded" });
  await page.setViewportSize({ width: 1024, height: 800 });
  await getTokenFor(page, "profile");
  const [left, right] = [await encoded.boundingBox(), await decoded.boundingBox()];
  expect(right!.x).toBeGreaterThanOrEqual(left!.x + left!.width);
  expect(right!.y).toBeCloseTo(left!.y, -1);

  await page.setViewportSize({ width: 375, height: 800 });
  const [top, below] = [await encoded.boundingBox(), await decoded.boundingBox()];
  expect(below!.y).toBeGreaterThanOrEqual(top!.y + top!.height);
  await expect(page.getByTestId("token-sizes")).toContainText(/\d+ bytes in all/);
});

test("the explorer works from the keyboard", async ({ page }) => {
  await page.getByLabel("JWT template").focus();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Get token" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.locator('[data-claim="sub"]')).toContainText('"user_seed_alice"');
});

test("/tokens/test renders the token on the server, says when a reload reuses it, and mints a new one", async ({
  page,
}) => {
  await page.goto("/tokens/test");
  await expect(page.locator('[data-claim="email"]')).toContainText('"alice@example.com"');
  await expect(page.getByText("Clerk minted it for this request.")).toBeVisible();
  const jti = page.locator('[data-claim="jti"] .claim-value');
  const minted = await jti.textContent();

  await page.reload();
  await expect(page.getByText("It is a token Clerk minted for this session earlier")).toBeVisible();
  await expect(jti).toHaveText(minted!);

  await page.getByRole("link", { name: "Get a newly minted token" }).click();
  await expect(page.getByText("Clerk minted it for this request.")).toBeVisible();
  await expect(jti).not.toHaveText(minted!);
});

test("signed-out pages still render when navigated to directly", async ({ page, context }) => {
  await context.clearCookies();
  await page.goto("/");
  await expectSignedOut(page);
});

test.describe("in Berlin", () => {
  test.use({ timezoneId: "Europe/Berlin" });

  test("times show in the viewer's zone with UTC on hover, and Copied clears when the token changes", async ({
    page,
    context,
  }) => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await getTokenFor(page, "test");
    const expiresAt = page.locator("time").last();
    await expect(expiresAt).toHaveAttribute("title", /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    await expect(expiresAt).toHaveText(/GMT\+1|CET/);

    // Time stands still from here, so "Copied" can only go because the token changed, not by its 2 s timer.
    await page.clock.install();
    await page.clock.pauseAt(new Date());
    const copyJwt = page.getByRole("button", { name: "Copy the JWT" });
    await copyJwt.click();
    await expect(copyJwt).toHaveText("Copied");
    await getTokenFor(page, "profile");
    await expect(copyJwt).toHaveText("Copy");
  });
});
