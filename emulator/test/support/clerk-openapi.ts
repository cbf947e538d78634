import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { OpenAPIBackend, type Document } from "openapi-backend";
import { parse } from "yaml";
import { afterAll, afterEach, beforeAll, expect, vi } from "vitest";

// Clerk's own descriptions, read where they lie beside the repository, never copied into it.
const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const SPEC_DIR = path.resolve(REPO_ROOT, "../shared/reference/clerk-openapi");
const BAPI_SPEC = path.join(SPEC_DIR, "bapi-2025-11-10.yml");
const FAPI_SPEC = path.join(SPEC_DIR, "fapi-2025-11-10.yml");

/** Why spec validation cannot run here, or undefined when it can. */
export const specMissingReason = [BAPI_SPEC, FAPI_SPEC].every((file) => existsSync(file))
  ? undefined
  : `Clerk's OpenAPI descriptions are absent (${SPEC_DIR}), so response bodies are not validated against them`;

// The clerk-js files the emulator serves are not part of either API.
const CLERK_JS_FILES = "/npm/";

const UNDOCUMENTED_ERROR = "EmulatorTestUndocumentedError";

type SchemaNode = { [key: string]: unknown };

/**
 * Ajv refuses `nullable` without `type`, which Clerk's description uses (e.g. `scim`), and
 * lets an `enum`, or the schemas of an `allOf`/`oneOf`, beside `nullable` refuse null (e.g.
 * `captcha_widget_type`, a sign-in's `second_factor_verification`); `anyOf [schema, null]`
 * says what is meant in a form Ajv accepts.
 */
function acceptNullableWithoutType(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(acceptNullableWithoutType);
  if (node === null || typeof node !== "object") return node;
  const copy = Object.fromEntries(Object.entries(node).map(([key, value]) => [key, acceptNullableWithoutType(value)]));
  const constrained = ["enum", "allOf", "oneOf", "anyOf"].some((keyword) => keyword in copy);
  if (copy.nullable !== true || ("type" in copy && !constrained)) return copy;
  const { nullable: _nullable, ...schema } = copy;
  return { anyOf: [schema, { type: "null" }] };
}

export interface ResponseValidator {
  /**
   * Problems with one response; empty when it matches the description. `withSecretKey`: the request
   * carried the secret key, so it was a Backend API call even where both APIs have the path
   * (`/v1/organizations…`); otherwise the Frontend API's description is used where it has the path.
   */
  check(
    method: string,
    url: URL,
    response: { status: number; contentType: string | null; body: unknown },
    withSecretKey?: boolean,
  ): string[];
}

interface Description {
  api: OpenAPIBackend;
  /** Paths the description lists without describing them (`{}`), e.g. /v1/clients/handshake_payload. */
  listedOnly: Set<string>;
}

async function loadDescription(file: string, apiRoot: string): Promise<Description> {
  const document = acceptNullableWithoutType(parse(await readFile(file, "utf8"))) as Document & SchemaNode;
  const listedOnly = Object.entries(document.paths ?? {})
    .filter(([, item]) => Object.keys(item ?? {}).length === 0)
    .map(([listed]) => `${apiRoot}${listed}`.replace("//", "/"));
  // An error status an operation does not list (e.g. 422 from the token endpoints) must still
  // be a Clerk error body: a synthetic operation validates it against the ClerkErrors response.
  document.paths = {
    ...document.paths,
    "/__emulator_test/undocumented_error": {
      get: { operationId: UNDOCUMENTED_ERROR, responses: { default: { $ref: "#/components/responses/ClerkErrors" } } },
    },
  };
  const api = new OpenAPIBackend({ definition: document, apiRoot, quick: true });
  await api.init();
  return { api, listedOnly: new Set(listedOnly) };
}

/**
 * Checks Backend API responses against bapi-2025-11-10.yml, and Frontend API responses (the
 * paths only it describes, such as /v1/client) against fapi-2025-11-10.yml.
 */
export async function createResponseValidator(): Promise<ResponseValidator> {
  const [backend, frontend] = await Promise.all([loadDescription(BAPI_SPEC, "/v1"), loadDescription(FAPI_SPEC, "/")]);

  return {
    check(wireMethod, url, { status, contentType, body }, withSecretKey = false) {
      if (url.pathname.startsWith(CLERK_JS_FILES)) return [];
      // clerk-js sends PATCH, PUT and DELETE to the Frontend API as POST with `?_method=…`.
      const method = (wireMethod === "POST" && url.searchParams.get("_method")) || wireMethod;
      const where = `${method} ${url.pathname} → ${status}`;
      const request = { method, path: url.pathname, headers: {} };
      const inFrontend =
        !withSecretKey && (frontend.api.matchOperation(request) !== undefined || frontend.listedOnly.has(url.pathname));
      const { api, listedOnly } = inFrontend ? frontend : backend;
      const operation = api.matchOperation(request);
      const documentedResponse = operation?.responses?.[String(status)] as SchemaNode | undefined;
      // A documented response without content, such as the handshake's 307 redirect.
      if (documentedResponse && !documentedResponse.content) return [];
      const problems: string[] = [];
      if (contentType !== "application/json") problems.push(`${where}: Content-Type is ${contentType}`);
      if (listedOnly.has(url.pathname)) return problems;
      const documented = documentedResponse !== undefined;
      if (status < 400 && !documented) return [...problems, `${where}: status not in the description`];
      // The Backend API's paginated envelope wraps the documented array (the Frontend API's
      // client envelopes describe both forms themselves).
      const isPaginated = !inFrontend && url.searchParams.get("paginated") === "true" && status === 200;
      if (isPaginated && typeof (body as SchemaNode)?.total_count !== "number") {
        problems.push(`${where}: paginated response without total_count`);
      }
      const validated = isPaginated ? (body as SchemaNode).data : body;
      const result = documented
        ? api.validateResponse(validated, operation!, status)
        : api.validateResponse(body, UNDOCUMENTED_ERROR);
      for (const error of result.errors ?? []) {
        problems.push(`${where}: ${error.instancePath || "(body)"} ${error.message} ${JSON.stringify(error.params)}`);
      }
      return problems;
    },
  };
}

/**
 * A `fetch` that checks every response against the description and records the problems.
 * @clerk/backend (under NODE_ENV=test) and jose call the global fetch, so once this is
 * installed their calls are checked too.
 */
export function validatingFetch(validator: ResponseValidator, realFetch = globalThis.fetch) {
  const problems: string[] = [];
  let checked = 0;
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    const response = await realFetch(request);
    // The emulator's own webhook deliveries (signed, with svix-id) go to the app, not to Clerk's APIs.
    if (request.headers.has("svix-id")) return response;
    const text = await response.clone().text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    const contentType = response.headers.get("Content-Type");
    const withSecretKey = /^Bearer sk_/.test(request.headers.get("Authorization") ?? "");
    problems.push(
      ...validator.check(
        request.method,
        new URL(request.url),
        { status: response.status, contentType, body },
        withSecretKey,
      ),
    );
    checked += 1;
    return response;
  };
  return {
    fetch,
    /** Problems recorded since the last call, which clears them. */
    takeProblems: () => problems.splice(0),
    checkedCount: () => checked,
  };
}

/**
 * Checks every response the current test file receives through fetch against Clerk's
 * description, failing the test that received a wrong one. Does nothing without the spec.
 */
export function validateEveryResponse(): { checkedCount(): number } {
  let recorder: ReturnType<typeof validatingFetch> | undefined;
  beforeAll(async () => {
    if (specMissingReason) return;
    recorder = validatingFetch(await createResponseValidator());
    vi.stubGlobal("fetch", recorder.fetch);
  });
  afterEach(() => {
    if (recorder) expect(recorder.takeProblems()).toEqual([]);
  });
  afterAll(() => {
    vi.unstubAllGlobals();
  });
  return { checkedCount: () => recorder?.checkedCount() ?? 0 };
}

/** The title of the block that proves validation ran, saying why it is skipped when it is. */
export const specValidationTitle = `responses match Clerk's OpenAPI description${specMissingReason ? ` (skipped: ${specMissingReason})` : ""}`;
