import { addSessionCookies, expect, test } from "./fixtures";

test("the signed-out home page explains the app and offers sign-in", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Get a Clerk JWT template token on the server" })).toBeVisible();
  await expect(page.getByRole("main").getByRole("link", { name: "Sign in" })).toBeVisible();
  await expect(page.getByRole("banner").getByRole("link", { name: "Sign in" })).toBeVisible();
  await expect(page.getByText("Offline emulator — not Clerk")).toBeVisible();
});

test("a signed-in browser gets a template token and sees it decoded", async ({ page, context, baseURL }) => {
  await addSessionCookies(context, baseURL!, "sess_seed_alice");

  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Token explorer" })).toBeVisible();
  await page.getByLabel("JWT template").selectOption("profile");
  await page.getByRole("button", { name: "Get token" }).click();

  await expect(page.getByTestId("jwt")).toHaveText(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  await expect(page.getByTestId("jwt-header")).toContainText('"alg": "RS256"');
  await expect(page.locator('[data-claim="sub"]')).toContainText('"user_seed_alice"');
});

test("/tokens/test renders the template token on the server", async ({ page, context, baseURL }) => {
  await addSessionCookies(context, baseURL!, "sess_seed_alice");
  // No JavaScript at all: the token is in the server-rendered HTML.
  await page.route("**/*.js", (route) => route.abort());
  await page.goto("/tokens/test");
  await expect(page.getByRole("heading", { name: "Token from the test template" })).toBeVisible();
  await expect(page.locator('[data-claim="sub"]')).toContainText('"user_seed_alice"');
});

test("/tokens/:template sends a signed-out visitor to sign in and back", async ({ page }) => {
  await page.goto("/tokens/test");
  await expect(page).toHaveURL(/\/sign-in\?redirect_url=%2Ftokens%2Ftest$/);
});

test("/tokens/:template explains a template outside the allowlist", async ({ page, context, baseURL }) => {
  await addSessionCookies(context, baseURL!, "sess_seed_alice");
  await page.goto("/tokens/firebase");
  await expect(
    page.getByRole("heading", { name: "No token from firebase: it is not an allowed template" }),
  ).toBeVisible();
  await expect(page.getByText("HTTP 400 · template_not_allowed")).toBeVisible();
  await page.getByRole("navigation", { name: "Allowed templates" }).getByRole("link", { name: "profile" }).click();
  await expect(page.getByRole("heading", { name: "Token from the profile template" })).toBeVisible();
});
