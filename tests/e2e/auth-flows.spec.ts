import { clerk } from "@clerk/testing/playwright";
import { decodeJwt } from "jose";
import { expect, test } from "./fixtures";
import {
  ALICE,
  BOB,
  expectSignedIn,
  expectSignedOut,
  signInThroughClerk,
  signOutThroughUserButton,
  signUpThroughClerk,
} from "./clerk-ui";
import { signInAs, signInByEmail } from "./clerk-testing";

test("a new user signs up with an email code, signs out, and signs in again with @clerk/testing", async ({
  page,
  baseURL,
}) => {
  const newUser = { email: `new-user-${Date.now()}@example.com`, password: "a-new-password-42" };
  await signUpThroughClerk(page, baseURL!, newUser.email, newUser.password);
  await signOutThroughUserButton(page);
  await expectSignedOut(page);
  await signInAs(page, baseURL!, newUser);
  await expectSignedIn(page);
  // They gave no name: the seeded profile template names them by their email, not "null null".
  const response = await page.request.get("/api/get-token-example?template=profile");
  expect(decodeJwt(((await response.json()) as { token: { jwt: string } }).token.jwt).name).toBe(newUser.email);
});

test("a duplicate sign-up shows Clerk's error", async ({ page }) => {
  await page.goto("/sign-up");
  await page.getByLabel("Email address").fill(ALICE.email);
  await page.locator("input[name=password]:visible").fill("another-password-1");
  await page.getByRole("button", { name: "Continue", exact: true }).click();
  await expect(page.locator("#error-emailAddress")).toContainText("That email address is taken");
});

test("a wrong password and an unknown email show Clerk's errors", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email address").fill("nobody@example.com");
  await page.getByRole("button", { name: "Continue", exact: true }).click();
  await expect(page.locator("#error-identifier")).toContainText("Couldn't find your account");

  await page.getByLabel("Email address").fill(ALICE.email);
  await page.getByRole("button", { name: "Continue", exact: true }).click();
  await page.locator("input[name=password]:visible").fill("not-her-password");
  await page.getByRole("button", { name: "Continue", exact: true }).click();
  await expect(page.locator("#error-password")).toContainText("Password is incorrect");
});

// The one test that signs in through the <SignIn/> form itself; every other test signs in with @clerk/testing.
test("signing in through the <SignIn/> form, then out through the UserButton: the resource route answers 200, then 401", async ({
  page,
  baseURL,
}) => {
  await signInThroughClerk(page, baseURL!, ALICE.email, ALICE.password);
  await expectSignedIn(page);
  expect((await page.request.get("/api/get-token-example")).status()).toBe(200);

  await signOutThroughUserButton(page);
  await expectSignedOut(page);
  const response = await page.request.get("/api/get-token-example");
  expect(response.status()).toBe(401);
  expect((await response.json()).code).toBe("no_credentials");
});

test("clerk.signIn and clerk.signOut of @clerk/testing: the resource route answers 200, then 401", async ({
  page,
  baseURL,
}) => {
  await signInAs(page, baseURL!, BOB);
  await expectSignedIn(page);
  expect((await page.request.get("/api/me")).ok()).toBe(true);
  expect(await (await page.request.get("/api/me")).json()).toMatchObject({ userId: "user_seed_bob" });
  expect((await page.request.get("/api/get-token-example")).status()).toBe(200);

  await clerk.signOut({ page });
  await page.reload();
  await expectSignedOut(page);
  expect((await page.request.get("/api/get-token-example")).status()).toBe(401);
});

test("a seeded user signs in by email address alone, with a sign-in token's ticket (clerk.signIn({ emailAddress }))", async ({
  page,
  baseURL,
}) => {
  await signInByEmail(page, baseURL!, BOB.email);
  await expectSignedIn(page);
  expect(await (await page.request.get("/api/me")).json()).toMatchObject({ userId: "user_seed_bob" });
});
