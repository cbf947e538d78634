import { expect, test } from "./fixtures";
import { expectSignedIn, expectSignedOut } from "./clerk-ui";
import { signInAs } from "./clerk-testing";

const WIDTHS = [1280, 375];
const shot = (name: string, width: number) => ({
  path: `test-results/screenshots/${name}-${width}.png`,
  fullPage: true,
});

async function expectNoHorizontalScroll(page: import("@playwright/test").Page) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow, "page wider than the viewport").toBeLessThanOrEqual(0);
}

for (const width of WIDTHS) {
  test(`pages at ${width} px wide`, async ({ page, baseURL }) => {
    await page.setViewportSize({ width, height: 900 });

    await page.goto("/");
    await expectSignedOut(page);
    await expectNoHorizontalScroll(page);
    await page.screenshot(shot("home-signed-out", width));

    await page.goto("/sign-in");
    await expect(page.getByLabel("Email address")).toBeVisible();
    await expectNoHorizontalScroll(page);
    await page.screenshot(shot("sign-in", width));

    await page.goto("/sign-up");
    await expect(page.getByLabel("Email address")).toBeVisible();
    await expectNoHorizontalScroll(page);
    await page.screenshot(shot("sign-up", width));

    await signInAs(page, baseURL!);
    await expectSignedIn(page);
    await page.getByLabel("JWT template").selectOption("profile");
    await page.getByRole("button", { name: "Get token" }).click();
    await expect(page.getByTestId("jwt-claims")).toBeVisible();
    await expectNoHorizontalScroll(page);
    await page.screenshot(shot("explorer-with-token", width));
  });
}
