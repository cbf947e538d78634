import { Hono } from "hono";
import { z } from "zod";
import type { EmulatorContext } from "../../context";
import { formError, invalidParam, jsonResponse, notFoundResponse } from "../../http";
import { jwtTemplateResource } from "../../resources";
import {
  DuplicateTemplateNameError,
  type CustomSigning,
  type JwtTemplateInput,
  type JwtTemplateRecord,
} from "../../store/jwt-templates";
import {
  CUSTOM_SIGNING_ALGORITHMS,
  TEMPLATE_DEFAULTS,
  TemplateSyntaxError,
  assertValidClaims,
  importCustomSigningKey,
} from "../../tokens/jwt-template";
import {
  boundedInteger,
  clockSkewSeconds,
  jsonObject,
  lifetimeSeconds,
  parseJsonBody,
  parseParams,
  type Parsed,
} from "../../validation";

// Create and update take the same body (name and claims required in both, per the description).
const templateParamsSchema = z.object({
  name: z.string({ error: "must be a string" }).trim().min(1, { error: "must not be empty" }),
  claims: jsonObject,
  lifetime: lifetimeSeconds.nullish(),
  allowed_clock_skew: clockSkewSeconds.nullish(),
  custom_signing_key: z.boolean({ error: "must be a boolean" }).optional(),
  signing_algorithm: z
    .enum(CUSTOM_SIGNING_ALGORITHMS, { error: `must be one of ${CUSTOM_SIGNING_ALGORITHMS.join(", ")}` })
    .nullish(),
  signing_key: z.string({ error: "must be a string" }).nullish(),
});
type TemplateParams = z.infer<typeof templateParamsSchema>;

const listQuerySchema = z.object({
  paginated: z.enum(["true", "false"], { error: "must be true or false" }).optional(),
  limit: z.coerce.number().pipe(boundedInteger(1, 500)).default(10),
  offset: z.coerce
    .number()
    .pipe(z.int({ error: "must be an integer of 0 or more" }).min(0, { error: "must be an integer of 0 or more" }))
    .default(0),
});

function templateNotFound(id: string): Response {
  return notFoundResponse(`No JWT template exists with id: ${id}`);
}

/** The template's own signing key: `undefined` keeps the current one, `null` means the instance key. */
async function customSigningFrom(params: TemplateParams): Promise<Parsed<CustomSigning | null | undefined>> {
  if (params.custom_signing_key === undefined) return { ok: true, data: undefined };
  if (!params.custom_signing_key) return { ok: true, data: null };
  const { signing_algorithm: algorithm, signing_key: key } = params;
  if (!algorithm || key == null) {
    const longMessage = "signing_algorithm and signing_key must be included when custom_signing_key is true.";
    return {
      ok: false,
      response: invalidParam(algorithm ? "signing_key" : "signing_algorithm", longMessage),
    };
  }
  try {
    await importCustomSigningKey({ algorithm, key });
  } catch (error) {
    const longMessage = `signing_key cannot sign ${algorithm}: ${(error as Error).message}`;
    return { ok: false, response: invalidParam("signing_key", longMessage) };
  }
  return { ok: true, data: { algorithm, key } };
}

type TemplateFields = Pick<JwtTemplateInput, "name" | "claims"> & Partial<JwtTemplateInput>;

/** Validates a create or update body into template fields; optional fields left out stay out. */
async function parseTemplateBody(request: Request): Promise<Parsed<TemplateFields>> {
  const body = await parseJsonBody(request, templateParamsSchema);
  if (!body.ok) return body;
  const params = body.data;
  try {
    assertValidClaims(params.claims);
  } catch (error) {
    if (error instanceof TemplateSyntaxError) return { ok: false, response: invalidParam("claims", error.message) };
    throw error;
  }
  const customSigning = await customSigningFrom(params);
  if (!customSigning.ok) return customSigning;
  const fields: TemplateFields = { name: params.name, claims: params.claims };
  // An explicit null asks for the default.
  if (params.lifetime !== undefined) fields.lifetime = params.lifetime ?? TEMPLATE_DEFAULTS.lifetime;
  if (params.allowed_clock_skew !== undefined) {
    fields.allowed_clock_skew = params.allowed_clock_skew ?? TEMPLATE_DEFAULTS.allowed_clock_skew;
  }
  if (customSigning.data !== undefined) fields.custom_signing = customSigning.data;
  return { ok: true, data: fields };
}

/** Responds with the saved template, or 422 when its name is taken (names address templates). */
function savedTemplateResponse(save: () => JwtTemplateRecord): Response {
  try {
    return jsonResponse(jwtTemplateResource(save()));
  } catch (error) {
    if (!(error instanceof DuplicateTemplateNameError)) throw error;
    return formError("duplicate_record", "name", "duplicate record", error.message);
  }
}

export function jwtTemplateRoutes({ store }: EmulatorContext): Hono {
  return new Hono()
    .get("/", (c) => {
      const query = parseParams(c.req.query(), listQuerySchema);
      if (!query.ok) return query.response;
      const { paginated, limit, offset } = query.data;
      const all = store.jwtTemplates.list();
      const page = all.slice(offset, offset + limit).map(jwtTemplateResource);
      // The description documents a plain array; @clerk/backend asks for `paginated=true` and reads either.
      return jsonResponse(paginated === "true" ? { data: page, total_count: all.length } : page);
    })
    .post("/", async (c) => {
      const fields = await parseTemplateBody(c.req.raw);
      if (!fields.ok) return fields.response;
      const defaults = { ...TEMPLATE_DEFAULTS, custom_signing: null };
      return savedTemplateResponse(() => store.jwtTemplates.create({ ...defaults, ...fields.data }));
    })
    .get("/:id", (c) => {
      const template = store.jwtTemplates.get(c.req.param("id"));
      return template ? jsonResponse(jwtTemplateResource(template)) : templateNotFound(c.req.param("id"));
    })
    .patch("/:id", async (c) => {
      const id = c.req.param("id");
      const template = store.jwtTemplates.get(id);
      if (!template) return templateNotFound(id);
      const fields = await parseTemplateBody(c.req.raw);
      if (!fields.ok) return fields.response;
      return savedTemplateResponse(() => store.jwtTemplates.update(template, fields.data));
    })
    .delete("/:id", (c) => {
      const id = c.req.param("id");
      return store.jwtTemplates.delete(id)
        ? jsonResponse({ object: "jwt_template", id, deleted: true })
        : templateNotFound(id);
    });
}
