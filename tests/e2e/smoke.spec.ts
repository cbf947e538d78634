import { expect, mintSessionToken, test } from "./fixtures";

test("the signed-out home page explains the app and offers sign-in", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Get a Clerk JWT template token on the server" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
  await expect(page.getByText("Offline emulator — not Clerk")).toBeVisible();
});

test("a signed-in browser gets a template token and sees it decoded", async ({ page, context, baseURL }) => {
  const { jwt, iat } = await mintSessionToken("sess_seed_alice");
  const host = new URL(baseURL!).hostname;
  await context.addCookies([
    { name: "__session", value: jwt, domain: host, path: "/" },
    { name: "__client_uat", value: String(iat), domain: host, path: "/" },
  ]);

  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Token explorer" })).toBeVisible();
  await page.getByLabel("JWT template").selectOption("profile");
  await page.getByRole("button", { name: "Get token" }).click();

  await expect(page.getByTestId("jwt")).toHaveText(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  await expect(page.getByTestId("jwt-header")).toContainText('"alg": "RS256"');
  await expect(page.getByTestId("jwt-claims")).toContainText('"sub": "user_seed_alice"');
});
