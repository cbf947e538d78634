import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { OpenAPIBackend, type Document } from "openapi-backend";
import { parse } from "yaml";
import { afterAll, afterEach, beforeAll, expect, vi } from "vitest";

// Clerk's own description, read where it lies beside the repository, never copied into it.
const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const BAPI_SPEC = path.resolve(REPO_ROOT, "../shared/reference/clerk-openapi/bapi-2025-11-10.yml");

/** Why spec validation cannot run here, or undefined when it can. */
export const specMissingReason = existsSync(BAPI_SPEC)
  ? undefined
  : `Clerk's OpenAPI description is absent (${BAPI_SPEC}), so response bodies are not validated against it`;

const UNDOCUMENTED_ERROR = "EmulatorTestUndocumentedError";

type SchemaNode = { [key: string]: unknown };

/**
 * Ajv refuses `nullable` without `type`, which Clerk's description uses (e.g. `scim`);
 * `anyOf [schema, null]` says the same thing in a form Ajv accepts.
 */
function acceptNullableWithoutType(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(acceptNullableWithoutType);
  if (node === null || typeof node !== "object") return node;
  const copy = Object.fromEntries(Object.entries(node).map(([key, value]) => [key, acceptNullableWithoutType(value)]));
  if (copy.nullable !== true || "type" in copy) return copy;
  const { nullable: _nullable, ...schema } = copy;
  return { anyOf: [schema, { type: "null" }] };
}

export interface ResponseValidator {
  /** Problems with one response; empty when it matches the description. */
  check(method: string, url: URL, response: { status: number; contentType: string | null; body: unknown }): string[];
}

/** Checks Backend API responses against bapi-2025-11-10.yml. */
export async function createResponseValidator(): Promise<ResponseValidator> {
  const document = acceptNullableWithoutType(parse(await readFile(BAPI_SPEC, "utf8"))) as Document & SchemaNode;
  // An error status an operation does not list (e.g. 422 from the token endpoints) must still
  // be a Clerk error body: a synthetic operation validates it against the ClerkErrors response.
  document.paths = {
    ...document.paths,
    "/__emulator_test/undocumented_error": {
      get: { operationId: UNDOCUMENTED_ERROR, responses: { default: { $ref: "#/components/responses/ClerkErrors" } } },
    },
  };
  const api = new OpenAPIBackend({ definition: document, apiRoot: "/v1", quick: true });
  await api.init();

  return {
    check(method, url, { status, contentType, body }) {
      const where = `${method} ${url.pathname} → ${status}`;
      const problems: string[] = [];
      if (contentType !== "application/json") problems.push(`${where}: Content-Type is ${contentType}`);
      const operation = api.matchOperation({ method, path: url.pathname, headers: {} });
      const documented = operation?.responses?.[String(status)] !== undefined;
      if (status < 400 && !documented) return [...problems, `${where}: status not in the description`];
      // Clerk's paginated envelope wraps the documented array.
      const isPaginated = url.searchParams.get("paginated") === "true" && status === 200;
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
    const text = await response.clone().text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    const contentType = response.headers.get("Content-Type");
    problems.push(
      ...validator.check(request.method, new URL(request.url), { status: response.status, contentType, body }),
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
