import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import type { Page } from "@playwright/test";
import { clerk } from "@clerk/testing/playwright";
import * as ui from "../clerk-ui";
import { signInAs } from "../clerk-testing";
import { aliceSwitchesToAcmeAndBack, bobSwitchesToAcme } from "../organization-flow";
import { SEEDED_TEMPLATES } from "../../../support/clerk-env";
import { expect, test } from "./fixtures";
import { SESSION_TOKEN_LIFETIME_S, type Stage } from "./stage";

// What a user with real keys does, on the rehearsal stage: clerk-js from the Frontend API's own
// host, no proxy, the instance kind's own handshake (see playwright.config.ts for the projects).

async function tokenFor(page: Page, template: string) {
  await page.getByLabel("JWT template").selectOption(template);
  await page.getByRole("button", { name: "Get token" }).click();
  await expect(page.locator('[data-claim="sub"]')).toContainText('"user_seed_alice"');
  return page.getByTestId("curl-command").textContent();
}

/** Runs the explorer's curl command as a terminal would, resolving the stage's names to 127.0.0.1. */
async function runCurl(command: string, stage: Stage, outputDir: string) {
  const [, authorization, url] = command.match(/-H "(Authorization: Bearer [\w.-]+)" "([^"]+)"/) ?? [];
  expect(authorization, command).toBeDefined();
  const target = new URL(url!);
  const trust: string[] = [];
  if (stage.appCertificate) {
    const caFile = `${outputDir}/app-certificate.pem`;
    await mkdir(outputDir, { recursive: true });
    await writeFile(caFile, stage.appCertificate);
    trust.push("--cacert", caFile, "--resolve", `${target.hostname}:${target.port}:127.0.0.1`);
  }
  const { stdout } = await promisify(execFile)("curl", [
    "-s",
    ...trust,
    "-w",
    "\n%{http_code}",
    "-H",
    authorization!,
    url!,
  ]);
  const lines = stdout.trimEnd().split("\n");
  return {
    status: Number(lines.at(-1)),
    body: JSON.parse(lines.slice(0, -1).join("\n")) as { token: { jwt: string } },
  };
}

// The rehearsal's one test through Clerk's forms, clerk-js on the instance's own host; the others sign in with @clerk/testing.
test("a new user signs up with the email code, signs out, and signs in again", async ({ page, baseURL }) => {
  await ui.signUpSignOutSignIn(page, baseURL!, `rehearsal-${Date.now()}@example.com`);
});

test("the explorer gives every allowed template's token, /tokens/:template renders one, curl calls the API", async ({
  page,
  baseURL,
  stage,
}, testInfo) => {
  await signInAs(page, baseURL!);
  await ui.expectSignedIn(page);
  let command: string | null = null;
  for (const template of SEEDED_TEMPLATES) command = await tokenFor(page, template);

  const { status, body } = await runCurl(command!, stage, testInfo.outputDir);
  expect(status).toBe(200);
  expect(body.token.jwt.split(".")).toHaveLength(3);

  await page.goto("/tokens/profile");
  await expect(page.locator('[data-claim="email"]')).toContainText('"alice@example.com"');
});

test("the user stays signed in after the session token expired, by the handshake, then signs out", async ({
  context,
  baseURL,
}) => {
  test.setTimeout(120_000);
  const page = await context.newPage();
  await signInAs(page, baseURL!);
  await ui.expectSignedIn(page);

  // With no page open nothing refreshes __session: the next page load meets an expired one
  // (past @clerk/backend's 5 s clock skew allowance).
  await page.close();
  await sleep((SESSION_TOKEN_LIFETIME_S + 7) * 1000);
  const next = await context.newPage();
  const handshakes: string[] = [];
  next.on("request", (request) => {
    if (request.url().includes("/v1/client/handshake")) handshakes.push(request.url());
  });
  await next.goto("/tokens/test");
  await expect(next.locator('[data-claim="sub"]')).toContainText('"user_seed_alice"');
  expect(handshakes).toHaveLength(1);

  await next.goto("/");
  await clerk.signOut({ page: next });
  // The server agrees: a fresh page load is rendered signed out.
  await next.reload();
  await ui.expectSignedOut(next);
});

test("Alice switches to Acme and back with <OrganizationSwitcher/>: each token is for the organization then active", async ({
  page,
  baseURL,
}) => {
  await aliceSwitchesToAcmeAndBack(page, baseURL!);
});

test("Bob, an ordinary member of Acme, gets its claims as org:member", async ({ page, baseURL }) => {
  await bobSwitchesToAcme(page, baseURL!);
});
