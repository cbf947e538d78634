import { execFile } from "node:child_process";
import { readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { parseEnv } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENV_FILE_HEADER } from "../src/print-env";
import { makeTempDir } from "../../support/temp-dir";
import { runCli } from "./support/cli";

// The env lines the emulator prints (and writes with --write-env) are what an app needs, in a
// form every reader of them keeps intact. That the app starts with them and signs in:
// tests/e2e/emulator-alone.spec.ts.

let dir: string;
let remove: () => Promise<void>;
beforeAll(async () => {
  ({ dir, remove } = await makeTempDir("clerk-emulator-env-"));
});
afterAll(() => remove());

const printEnv = (...extra: string[]) => runCli(["--print-env", "--data-dir", dir, "--port", "4123", ...extra]);

describe("the printed CLERK_JWT_KEY", () => {
  it("is one line that a .env reader and a shell both read into a key the app takes", async () => {
    const { code, stdout } = await printEnv();
    expect(code).toBe(0);
    const line = stdout.split("\n").find((printed) => printed.startsWith("CLERK_JWT_KEY="))!;
    const pem = parseEnv(line).CLERK_JWT_KEY!;
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----\nMII[\s\S]+\n-----END PUBLIC KEY-----$/);

    // A shell keeps `\n` as two characters, which the app reads as a line break (docs/environment.md).
    const file = path.join(dir, "from-a-shell.env");
    await writeFile(file, `${line}\n`);
    const { stdout: shellValue } = await promisify(execFile)("sh", ["-c", `. "${file}"; printf %s "$CLERK_JWT_KEY"`]);
    expect(shellValue.replaceAll("\\n", "\n")).toBe(pem);
  });
});

describe("--write-env", () => {
  it("writes the printed lines, readable by their owner only, and replaces its own file", async () => {
    const file = path.join(dir, ".env");
    const first = await printEnv("--write-env", file);
    expect(first.code).toBe(0);
    const written = await readFile(file, "utf8");
    expect(written).toBe(`${ENV_FILE_HEADER}\n${first.stdout}`);
    expect(parseEnv(written)).toMatchObject({
      CLERK_API_URL: "http://127.0.0.1:4123",
      CLERK_PROXY_URL: "/__clerk",
      CLERK_JS: "/__clerk/npm/@clerk/clerk-js@5/dist/clerk.browser.js",
    });
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    const again = await runCli(["--print-env", "--data-dir", dir, "--port", "4124", "--write-env", file]);
    expect(again.code).toBe(0);
    expect(parseEnv(await readFile(file, "utf8")).CLERK_API_URL).toBe("http://127.0.0.1:4124");
  });

  it("never replaces a file it did not write, such as one with real Clerk keys", async () => {
    const file = path.join(dir, "real.env");
    const real = "CLERK_SECRET_KEY=sk_live_real\nCLERK_PUBLISHABLE_KEY=pk_live_real\n";
    await writeFile(file, real);
    const { code, stderr } = await printEnv("--write-env", file);
    expect(code).toBe(1);
    expect(stderr).toContain(`${file} exists and was not written by the emulator`);
    expect(await readFile(file, "utf8")).toBe(real);
  });
});

describe("--print-env", () => {
  it("refuses port 0, whose env no later start could match", async () => {
    const { code, stderr } = await runCli(["--print-env", "--data-dir", dir, "--port", "0"]);
    expect(code).toBe(1);
    expect(stderr).toContain("--print-env needs the port the emulator will listen on, not 0.");
  });
});
