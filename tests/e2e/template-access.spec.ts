import { expect, test } from "./fixtures";
import { BOB, expectSignedIn } from "./clerk-ui";
import { signInAs } from "./clerk-testing";

// Issue 21: Bob, signed in but not among TEMPLATE_EDITORS (the launchers name alice@example.com).
test("a user who is not a template editor sees no Edit button, and who may edit", async ({ page, baseURL }) => {
  await signInAs(page, baseURL!, BOB);
  await expectSignedIn(page);
  await page.getByRole("link", { name: "JWT templates" }).click();
  await expect(page.getByRole("heading", { name: "JWT templates" })).toBeVisible();

  await expect(page.getByTestId("who-may-edit")).toHaveText(
    /^Only template editors may create, edit or export templates: alice@example\.com \(TEMPLATE_EDITORS\)\. You are not one of them, so there is no Edit button/,
  );
  await expect(page.locator("[data-template]").first()).toBeVisible();
  await expect(page.getByRole("link", { name: /^Edit/ })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "New template" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Get its token" }).first()).toBeVisible();

  // Typing the studio's address does not help: the server refuses it.
  await page.goto("/templates/new");
  await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
  await expect(page.getByRole("alert")).toContainText("HTTP 403 · not_a_template_editor");
});
