import { decodeJwt } from "jose";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { expectSignedIn } from "./clerk-ui";
import { signInAs } from "./clerk-testing";

const TEMPLATE = "studio-e2e";
const CLAIMS = {
  greeting: "Hello, {{user.first_name}}!",
  role: "{{user.public_metadata.role || 'member'}}",
  verified: "{{user.email_verified}}",
  tenant: "{{org.slug || 'personal'}}",
  sub: "overridden?",
};

async function expectNoHorizontalScroll(page: Page) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow, "page wider than the viewport").toBeLessThanOrEqual(0);
}

const row = (page: Page, claim: string) => page.getByTestId("jwt-claims").locator(`[data-claim="${claim}"]`);
/** A claim's row in the studio's preview for one account: `personal`, or an organization's slug. */
const previewRow = (page: Page, account: string, claim: string) =>
  page.locator(`[data-preview="${account}"]`).locator(`[data-claim="${claim}"]`);

test("a template made in the studio is saved, previewed, exported and served by the explorer and curl", async ({
  page,
  baseURL,
}) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await signInAs(page, baseURL!);
  await expectSignedIn(page);
  await page.getByRole("link", { name: "JWT templates" }).click();
  await expect(page.getByRole("heading", { name: "JWT templates" })).toBeVisible();
  await page.getByRole("link", { name: "New template" }).click();

  // Checked as you type: a JSON mistake blocks saving and says where it is.
  const claims = page.getByLabel("Claims (JSON)");
  await claims.fill('{"greeting": }');
  await expect(page.getByTestId("findings")).toContainText("not valid JSON: value expected at line 1, column 14");
  await expect(page.getByRole("button", { name: "Save and preview" })).toBeDisabled();
  await claims.fill('{"a": "{{ user.id | user.first_name }}"}');
  await expect(page.getByTestId("findings")).toContainText("is malformed at line 1, column 19");

  await page.getByLabel("Name").fill(TEMPLATE);
  await claims.fill(JSON.stringify({ ...CLAIMS, nickname: "{{user.nickname}}" }, null, 2));
  await expect(page.getByTestId("findings")).toContainText(`Clerk always sets "sub"; the template's value is ignored.`);
  await expect(page.getByTestId("findings")).toContainText("{{user.nickname}} is not a shortcode Clerk documents");
  await claims.fill(JSON.stringify(CLAIMS, null, 2));
  await page.getByLabel("Lifetime (s)").fill("90");
  await page.getByRole("button", { name: "Save and preview" }).click();

  await expect(page.getByRole("status").filter({ hasText: "Saved" })).toHaveText(`Saved ${TEMPLATE}.`);
  await expect(page).toHaveURL(/\/templates\/\w+$/);
  await expect(previewRow(page, "personal", "greeting")).toContainText('"Hello, Alice!"');
  await expect(previewRow(page, "personal", "greeting")).toContainText('"Hello, {{user.first_name}}!"');
  await expect(previewRow(page, "personal", "role")).toContainText('"admin"');
  await expect(previewRow(page, "personal", "verified")).toContainText("true");
  await expect(previewRow(page, "personal", "tenant")).toContainText('"personal"');
  await expect(previewRow(page, "personal", "sub")).toContainText('"user_seed_alice"');
  await expect(previewRow(page, "personal", "sub")).toContainText("Clerk");
  await expect(previewRow(page, "personal", "exp")).toContainText("Clerk");
  // And one for each of Alice's organizations.
  await expect(page.locator('[data-preview="acme"]').getByRole("heading")).toHaveText("Acme acme as org:admin");
  await expect(previewRow(page, "acme", "tenant")).toContainText('"acme"');
  expect(JSON.parse((await page.getByTestId("export").textContent()) ?? "")).toEqual(CLAIMS);

  await page.screenshot({ path: "test-results/screenshots/studio-1280.png", fullPage: true });
  await page.setViewportSize({ width: 375, height: 900 });
  await expectNoHorizontalScroll(page);
  await page.screenshot({ path: "test-results/screenshots/studio-375.png", fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });

  await page.getByRole("link", { name: "Open this template in the token explorer" }).click();
  await expect(page.getByLabel("JWT template")).toHaveValue(TEMPLATE);
  await page.getByRole("button", { name: "Get token" }).click();
  await expect(row(page, "greeting")).toContainText('"Hello, Alice!"');
  await expect(page.getByTestId("signature-status")).toContainText("Signature verified (RS256)");
  const jwt = (await page.getByTestId("jwt").textContent()) ?? "";
  const { exp, iat } = decodeJwt(jwt);
  expect(exp! - iat!).toBe(90);

  const command = (await page.getByTestId("curl-command").textContent()) ?? "";
  const [, authorization, url] = command.match(/-H "Authorization: (Bearer [\w.-]+)" "([^"]+)"/) ?? [];
  expect(url, command).toContain(`template=${TEMPLATE}`);
  const response = await fetch(url!, { headers: { Authorization: authorization! } });
  expect(response.status).toBe(200);
  const { token } = (await response.json()) as { token: { jwt: string } };
  expect(decodeJwt(token.jwt)).toMatchObject({ greeting: "Hello, Alice!", role: "admin", verified: true });
});

test("the template list links each template to its token in the explorer", async ({ page, baseURL }) => {
  await signInAs(page, baseURL!);
  await expectSignedIn(page);
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto("/templates");
    await expect(page.locator('[data-template="profile"]')).toContainText("300 s");
    await expectNoHorizontalScroll(page);
    await page.screenshot({ path: `test-results/screenshots/templates-${width}.png`, fullPage: true });
  }
  await page.locator('[data-template="partner-hs256"]').getByRole("link", { name: "Get its token" }).click();
  await page.getByRole("button", { name: "Get token" }).click();
  await expect(page.getByTestId("signature-status")).toContainText("Signed with the template's own key (HS256)");
});
