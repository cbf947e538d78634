import { rmSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { freePort, REPO_ROOT, spawnNpm, waitUntilServed } from "../../support/app-server";
import { makeTempDir } from "../../support/temp-dir";
import { expect, test } from "./fixtures";

/**
 * `npm run dev` as a developer uses it: a route file changes under app/, and
 * the open page shows the change by itself, while the server keeps answering.
 * The route is made for the test and removed after it, so no file of the app
 * is ever left edited.
 */
const PROBE_ROUTE = path.join(REPO_ROOT, "app/routes/dev-reload-probe.tsx");
const probeRoute = (heading: string) =>
  `export default function DevReloadProbe() {\n  return <h1>${heading}</h1>;\n}\n`;

test("npm run dev reloads the open page after a route file changes, with no connection refused, and shows a failed build in it", async ({
  page,
}) => {
  test.setTimeout(180_000);
  const [port, emulatorPort] = [await freePort(), await freePort()];
  const dataDir = await makeTempDir();
  writeFileSync(PROBE_ROUTE, probeRoute("Before the edit"));
  const dev = spawnNpm(["run", "dev"], {
    NODE_ENV: "development",
    PORT: String(port),
    EMULATOR_PORT: String(emulatorPort),
    EMULATOR_DATA_DIR: dataDir.dir,
  });
  const refused: string[] = [];
  page.on("requestfailed", (request) => refused.push(`${request.url()}: ${request.failure()?.errorText}`));
  try {
    const appUrl = `http://127.0.0.1:${port}`;
    await waitUntilServed(`${appUrl}/dev-reload-probe`, dev, 120_000);
    await page.goto(`${appUrl}/dev-reload-probe`);
    await expect(page.getByRole("heading", { name: "Before the edit" })).toBeVisible();

    writeFileSync(PROBE_ROUTE, probeRoute("After the edit"));
    await expect(page.getByRole("heading", { name: "After the edit" })).toBeVisible({ timeout: 5_000 });
    expect(refused, "requests that failed while the app rebuilt").toEqual([]);
    expect(dev.output()).not.toContain("restarting the server");

    // A syntax error: the open page says the build failed, naming the file and line, until it is fixed.
    writeFileSync(PROBE_ROUTE, "export default function DevReloadProbe() {\n  return <h1>Broken</h1\n}\n");
    await expect(page.getByRole("heading", { name: "The app did not build" })).toBeVisible({ timeout: 5_000 });
    await expect(page.getByTestId("build-failure")).toContainText("app/routes/dev-reload-probe.tsx:3:");
    writeFileSync(PROBE_ROUTE, probeRoute("Fixed"));
    await expect(page.getByRole("heading", { name: "Fixed" })).toBeVisible({ timeout: 5_000 });

    // A change under server/ restarts the server, even with this page's live-reload socket open.
    const serverFile = path.join(REPO_ROOT, "server/request-log.ts");
    utimesSync(serverFile, new Date(), new Date());
    await expect.poll(() => dev.output(), { timeout: 30_000 }).toContain("restarting the server");
    await expect.poll(() => dev.output().split("App listening on").length, { timeout: 30_000 }).toBe(3);
    // The page's <LiveReload> reloads it by itself once it reconnects, which can abort a reload made here.
    await expect(async () => {
      await page.reload();
      await expect(page.getByRole("heading", { name: "Fixed" })).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 15_000 });
  } finally {
    rmSync(PROBE_ROUTE, { force: true });
    process.kill(-dev.child.pid!, "SIGINT");
    await dev.exited;
    await dataDir.remove();
  }
});
