import { parseArgs } from "node:util";
import { z } from "zod";
import { parseRateLimit } from "./faults";
import type { JsonObject } from "./store/json";
import { DEFAULT_DATA_DIR, DEFAULT_HOST, DEFAULT_PORT, startEmulator } from "./index";
import { appEnvOf, emulatorEnv, formatEnvLines, writeEnvFile } from "./print-env";

const USAGE = `Usage: npm run emulator -- [options]

An offline Clerk emulator (Backend API, and the Frontend API clerk-js needs) on this machine. Not Clerk.

Options:
  --port <n>                    port to listen on (default ${DEFAULT_PORT}; 0 = any free port)
  --host <ip>                   address to bind (default ${DEFAULT_HOST}; must contain a dot)
  --instance <kind>             production (pk_live_, the default) or development (pk_test_, dev browser)
  --frontend-api-host <name>    serve the Frontend API over https on this name (e.g. clerk.example.test),
                                with a certificate made at start; map the name to 127.0.0.1 yourself
  --frontend-api-port <n>       its https port (default: any free port)
  --secret-key <sk_…>           secret key to require (default: the one stored in the data dir)
  --data-dir <dir>              where the instance key and the state are kept (default emulator/.data)
  --seed <file>                 seed file (default emulator/src/seed.json)
  --session-token-lifetime <s>  session token lifetime in seconds (default 60)
  --session-token-claims <json> claims every session token carries, with shortcodes, as Clerk's Dashboard
                                customizes them (e.g. '{"metadata":"{{user.public_metadata}}"}')
  --latency-ms <ms>             simulated Clerk round trip per Backend API call (default 0)

Faults in Backend API calls (also changeable at run time: PUT /__emulator/faults with the secret key):
  --jitter-ms <ms>              random extra delay of up to this much per call
  --rate-limit <n>/<s>s         Clerk's rate limit, e.g. 100/10s: then 429 with Retry-After
  --error-rate <0..1>           fraction of calls answered with a 5xx
  --error-statuses <list>       which 5xx, e.g. 500,502,503 (the default)
  --reset-rate <0..1>           fraction of calls whose connection is reset
  --hang-rate <0..1>            fraction of calls accepted and never answered
  --not-json-rate <0..1>        fraction answered 200 with a body that is not JSON
  --wrong-content-type-rate <0..1>  fraction answered with Content-Type: text/plain
  --fault-path <regex>          only paths matching this meet the faults
  --fault-times <n>             only the next n matching calls meet the faults
  --webhook-url <url>           POST signed session.ended/.removed/.revoked events there (Clerk's webhooks)
  --webhook-secret <whsec_…>    their signing secret (default: a new one, printed with the app's env)
  --print-env                   print the app's env for this data dir, host and port, then exit
  --write-env <file>            also write the app's env to this file (e.g. .env), never over one it did not write
  --help                        show this help`;

function numberFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === "" || !Number.isFinite(number)) throw new Error(`--${name} must be a number, not "${value}".`);
  return number;
}

function jsonFlag(name: string, value: string | undefined): JsonObject | undefined {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value) as JsonObject;
  } catch {
    throw new Error(`--${name} must be a JSON object, such as '{"metadata":"{{user.public_metadata}}"}'.`);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      host: { type: "string" },
      instance: { type: "string" },
      "frontend-api-host": { type: "string" },
      "frontend-api-port": { type: "string" },
      "secret-key": { type: "string" },
      "data-dir": { type: "string" },
      seed: { type: "string" },
      "session-token-lifetime": { type: "string" },
      "session-token-claims": { type: "string" },
      "latency-ms": { type: "string" },
      "jitter-ms": { type: "string" },
      "rate-limit": { type: "string" },
      "error-rate": { type: "string" },
      "error-statuses": { type: "string" },
      "reset-rate": { type: "string" },
      "hang-rate": { type: "string" },
      "not-json-rate": { type: "string" },
      "wrong-content-type-rate": { type: "string" },
      "fault-path": { type: "string" },
      "fault-times": { type: "string" },
      "webhook-url": { type: "string" },
      "webhook-secret": { type: "string" },
      "print-env": { type: "boolean" },
      "write-env": { type: "string" },
      help: { type: "boolean" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = numberFlag("port", values.port);
  const host = values.host ?? DEFAULT_HOST;
  const dataDir = values["data-dir"] ?? DEFAULT_DATA_DIR;
  const instance = values.instance ?? "production";
  if (instance !== "production" && instance !== "development") {
    throw new Error(`--instance must be production or development, not "${instance}".`);
  }

  if (values["print-env"]) {
    if (values["frontend-api-host"]) throw new Error("--print-env cannot know the https port: start the emulator.");
    if (port === 0) throw new Error("--print-env needs the port the emulator will listen on, not 0.");
    const env = await emulatorEnv({
      dataDir,
      host,
      port: port ?? DEFAULT_PORT,
      secretKey: values["secret-key"],
      instance,
    });
    console.log(formatEnvLines(env).join("\n"));
    if (values["write-env"]) await writeEnvFile(values["write-env"], env);
    return;
  }

  const emulator = await startEmulator({
    port,
    host,
    dataDir,
    instance,
    frontendApiHostname: values["frontend-api-host"],
    frontendApiPort: numberFlag("frontend-api-port", values["frontend-api-port"]),
    secretKey: values["secret-key"],
    seedFile: values.seed,
    sessionTokenLifetimeSeconds: numberFlag("session-token-lifetime", values["session-token-lifetime"]),
    sessionTokenClaims: jsonFlag("session-token-claims", values["session-token-claims"]),
    latencyMs: numberFlag("latency-ms", values["latency-ms"]),
    faults: {
      jitterMs: numberFlag("jitter-ms", values["jitter-ms"]),
      rateLimit: values["rate-limit"] === undefined ? undefined : parseRateLimit(values["rate-limit"]),
      errorRate: numberFlag("error-rate", values["error-rate"]),
      errorStatuses: values["error-statuses"]?.split(",").map((status) => numberFlag("error-statuses", status)!),
      resetRate: numberFlag("reset-rate", values["reset-rate"]),
      hangRate: numberFlag("hang-rate", values["hang-rate"]),
      notJsonRate: numberFlag("not-json-rate", values["not-json-rate"]),
      wrongContentTypeRate: numberFlag("wrong-content-type-rate", values["wrong-content-type-rate"]),
      pathPattern: values["fault-path"],
      times: numberFlag("fault-times", values["fault-times"]),
    },
    log: (line) => console.log(`[clerk-emulator] ${line}`),
    webhooks: values["webhook-url"]
      ? { url: values["webhook-url"], signingSecret: values["webhook-secret"] }
      : undefined,
  });
  // Listen for signals before announcing the URL: whoever reads it may stop us right away.
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const appEnv = appEnvOf(emulator);
  if (values["write-env"]) await writeEnvFile(values["write-env"], appEnv).catch(stopWith(emulator));

  console.log(
    [
      `Clerk emulator listening on ${emulator.url}`,
      `A ${emulator.instanceKind} instance; its Frontend API: ${emulator.frontendApiUrl}`,
      ...(emulator.certificateSpkiSha256
        ? [`Its certificate's key hash (--ignore-certificate-errors-spki-list): ${emulator.certificateSpkiSha256}`]
        : []),
      ...(emulator.instanceKind === "development" && emulator.frontendApiUrl.startsWith("http:")
        ? [
            "Note: clerk-js keeps a development instance's dev browser only for a Frontend API on",
            "https://<name>.accounts.dev (port 443): for browsers, add --frontend-api-host <name>.clerk.accounts.dev",
            "--frontend-api-port 443 and map the name to 127.0.0.1 (emulator/README.md).",
          ]
        : []),
      "This is an offline Clerk emulator, not Clerk.",
      `Secret key: ${emulator.secretKey}`,
      "",
      `Env for the app${values["write-env"] ? ` (also in ${values["write-env"]})` : ""}:`,
      ...formatEnvLines(appEnv),
      "",
    ].join("\n"),
  );
}

/** Closes the running emulator before the error ends the command. */
function stopWith(emulator: { close(): Promise<void> }) {
  return async (error: unknown): Promise<never> => {
    await emulator.close();
    throw error;
  };
}

// One message, never a stack trace; the usage only when asked for.
main().catch((error: NodeJS.ErrnoException) => {
  if (error.code === "EADDRINUSE") {
    console.error(`${error.message} Stop whatever uses it, or choose another port with --port.`);
  } else if (error instanceof z.ZodError) {
    console.error(`Invalid emulator options:\n${z.prettifyError(error)}`);
  } else {
    console.error(error instanceof Error ? error.message : error);
  }
  if (error.code !== "EADDRINUSE") console.error("Run `npm run emulator -- --help` for every flag.");
  process.exit(1);
});
