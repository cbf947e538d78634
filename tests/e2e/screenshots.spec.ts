import type { Locator, Page } from "@playwright/test";
import { TEMPLATE_NAME_RULE } from "../../app/templates/summary";
import { expect, test } from "./fixtures";
import { expectSignedIn, expectSignedOut } from "./clerk-ui";
import { signInAs } from "./clerk-testing";

/**
 * Every page at a phone's width and a laptop's, with what the layout promises
 * asserted from the boxes the browser laid out: one content width, the header
 * and banner on every page, claims that do not break badly. Screenshots land in
 * test-results/screenshots/ for a person to look at too.
 */
const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 375, height: 812 },
];

async function expectNoHorizontalScroll(page: Page) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow, "page wider than the viewport").toBeLessThanOrEqual(0);
}

type Box = { x: number; width: number };
const across = async (locator: Locator): Promise<Box> => {
  const box = (await locator.boundingBox())!;
  return { x: Math.round(box.x), width: Math.round(box.width) };
};

/**
 * The checks every page gets: the banner, the header with its pages, the one content width (the same box
 * for the main column, the header's and the banner's), no sideways scrolling; then a screenshot.
 */
async function expectPageLayout(page: Page, name: string, width: number, contentWidth: { box?: Box }) {
  const nav = page.getByRole("navigation", { name: "Pages" });
  await expect(nav.getByRole("link", { name: "Explorer" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Templates" })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "Offline emulator — not Clerk." })).toBeVisible();
  const main = await across(page.locator("main"));
  expect(await across(page.locator(".site-header-inner")), `${name}: header`).toEqual(main);
  expect(await across(page.locator(".emulator-banner-inner")), `${name}: banner`).toEqual(main);
  contentWidth.box ??= main;
  expect(main, `${name}: the content box, as on every other page`).toEqual(contentWidth.box);
  await expectNoHorizontalScroll(page);
  await page.screenshot({ path: `test-results/screenshots/${name}-${width}.png`, fullPage: true });
}

/** Each line of an element's text as the browser laid it out. */
function linesOf(element: Element): string[] {
  const lines: Array<{ top: number; text: string }> = [];
  const range = document.createRange();
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent ?? "";
    for (let index = 0; index < text.length; index++) {
      range.setStart(node, index);
      range.setEnd(node, index + 1);
      const rect = range.getClientRects()[0];
      if (!rect) continue;
      let line = lines.find((each) => Math.abs(each.top - rect.top) < 3);
      if (!line) lines.push((line = { top: rect.top, text: "" }));
      line.text += text[index];
    }
  }
  return lines.map((line) => line.text);
}

/**
 * For each claim value and template source in the claims tables: no line of it is only quotes and braces,
 * and a value that fits its cell's width on one line is on one line (not broken mid-string).
 */
async function expectClaimsReadable(page: Page, where: string) {
  const problems = await page.locator(".claim-value, .claim-source").evaluateAll((elements, linesOfSource) => {
    const lines = new Function(`return ${linesOfSource}`)() as (element: Element) => string[];
    const context = document.createElement("canvas").getContext("2d")!;
    return elements.flatMap((element) => {
      const laidOut = lines(element);
      const text = element.textContent ?? "";
      const found: string[] = [];
      if (laidOut.some((line) => /^[\s"'{}[\],|]*$/.test(line)))
        found.push(`a line of punctuation: ${laidOut.join(" ⏎ ")}`);
      context.font = getComputedStyle(element).font;
      const cell = element.parentElement!;
      const style = getComputedStyle(cell);
      const room = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      if (laidOut.length > 1 && context.measureText(text).width < room - 1)
        found.push(`broken though it fits: ${laidOut.join(" ⏎ ")}`);
      return found;
    });
  }, linesOf.toString());
  expect(problems, where).toEqual([]);
}

for (const viewport of VIEWPORTS) {
  const { width } = viewport;
  test(`every page at ${width} px wide`, async ({ page, baseURL }) => {
    test.setTimeout(90_000);
    await page.setViewportSize(viewport);
    const content: { box?: Box } = {};
    const banner = page.locator(".emulator-banner");

    // Signed out: the sign-in link in the header, and the offline credentials in a compact banner.
    await page.goto("/");
    await expectSignedOut(page);
    await expect(page.getByRole("banner").getByRole("link", { name: "Sign in" })).toBeVisible();
    await expect(banner).toContainText("alice-password-1");
    expect((await banner.boundingBox())!.height, "the signed-out banner").toBeLessThanOrEqual(viewport.height * 0.1);
    await expect(banner.getByText("alice-password-1", { exact: true })).toHaveCount(1);
    await expectPageLayout(page, "home-signed-out", width, content);

    for (const path of ["/sign-in", "/sign-up"]) {
      await page.goto(path);
      await expect(page.getByLabel("Email address")).toBeVisible();
      await expectPageLayout(page, path.slice(1), width, content);
    }

    await page.goto("/no-such-page");
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await expectPageLayout(page, "not-found-signed-out", width, content);

    // Signed in: the user button instead, the banner down to a line or two with no password in it.
    await signInAs(page, baseURL!);
    await expectSignedIn(page);
    await expect(page.locator(".site-header .cl-userButtonTrigger")).toBeVisible();
    await expect(banner).not.toContainText("password");
    expect((await banner.boundingBox())!.height, "the signed-in banner").toBeLessThanOrEqual(48);
    await page.getByLabel("JWT template").selectOption("profile");
    await page.getByRole("button", { name: "Get token" }).click();
    await expect(page.getByTestId("jwt-claims")).toBeVisible();
    await expectClaimsReadable(page, "the explorer");
    await expectPageLayout(page, "explorer-with-token", width, content);

    await page.goto("/templates");
    await expect(page.getByRole("heading", { name: "JWT templates" })).toBeVisible();
    await expectPageLayout(page, "templates", width, content);

    await page.goto("/tokens/profile");
    await expect(page.getByRole("heading", { name: "Token from the profile template" })).toBeVisible();
    await expectClaimsReadable(page, "/tokens/profile");
    await expectPageLayout(page, "tokens-profile", width, content);

    await page.goto("/tokens/firebase");
    await expect(
      page.getByRole("heading", { name: "No token from firebase: it is not an allowed template" }),
    ).toBeVisible();
    await expect(
      page.getByRole("navigation", { name: "Allowed templates" }).getByRole("link", { name: "test" }),
    ).toBeVisible();
    await expectPageLayout(page, "template-not-allowed", width, content);

    await page.goto("/no-such-page");
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await expect(page.locator(".site-header .cl-userButtonTrigger")).toBeVisible();
    await expectPageLayout(page, "not-found-signed-in", width, content);

    // The studio: its own words for the name rule, the two number inputs on one line, a readable preview.
    await page.goto("/templates/new");
    const name = page.getByLabel("Name");
    await name.fill("not a name!");
    await page.getByRole("button", { name: "Save and preview" }).click();
    await expect(name).toHaveJSProperty("validationMessage", TEMPLATE_NAME_RULE);
    const [lifetime, skew] = [page.getByLabel("Lifetime (s)"), page.getByLabel("Allowed clock skew (s)")];
    expect((await lifetime.boundingBox())!.y).toBeCloseTo((await skew.boundingBox())!.y, 0);
    await name.fill(`layout-${width}`);
    await page.getByRole("button", { name: "Save and preview" }).click();
    // One preview per account: Alice's personal account and Acme's.
    await expect(page.locator(".studio [data-testid=jwt-claims]")).toHaveCount(2);
    await expectClaimsReadable(page, "the studio's preview");
    await expectPageLayout(page, "studio-preview", width, content);
  });
}
