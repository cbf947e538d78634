import { newId, type JsonObject } from "./json";

export interface CustomSigning {
  algorithm: string;
  /** An HMAC secret or a PKCS #8 PEM private key; never part of a response. */
  key: string;
}

export interface JwtTemplateRecord {
  id: string;
  name: string;
  claims: JsonObject;
  lifetime: number;
  allowed_clock_skew: number;
  custom_signing: CustomSigning | null;
  created_at: number;
  updated_at: number;
}

export type JwtTemplateInput = Pick<
  JwtTemplateRecord,
  "name" | "claims" | "lifetime" | "allowed_clock_skew" | "custom_signing"
>;

export class DuplicateTemplateNameError extends Error {
  constructor(readonly templateName: string) {
    super(`A JWT template named "${templateName}" already exists.`);
  }
}

export class JwtTemplateStore {
  private readonly templates = new Map<string, JwtTemplateRecord>();

  list(): JwtTemplateRecord[] {
    return [...this.templates.values()];
  }

  /** Replaces every template with these (a saved state; store/persistence.ts). */
  restore(templates: JwtTemplateRecord[]): void {
    this.templates.clear();
    for (const template of templates) this.templates.set(template.id, template);
  }

  get(id: string): JwtTemplateRecord | undefined {
    return this.templates.get(id);
  }

  findByName(name: string): JwtTemplateRecord | undefined {
    return this.list().find((template) => template.name === name);
  }

  /** @throws DuplicateTemplateNameError when the name is taken: names are unique, they address templates. */
  create(input: JwtTemplateInput, id = newId("jtmp")): JwtTemplateRecord {
    this.assertNameFree(input.name);
    const now = Date.now();
    const template: JwtTemplateRecord = { id, ...input, created_at: now, updated_at: now };
    this.templates.set(id, template);
    return template;
  }

  /** @throws DuplicateTemplateNameError when renaming onto another template's name. */
  update(template: JwtTemplateRecord, changes: Partial<JwtTemplateInput>): JwtTemplateRecord {
    if (changes.name !== undefined && changes.name !== template.name) this.assertNameFree(changes.name);
    return Object.assign(template, changes, { updated_at: Date.now() });
  }

  delete(id: string): boolean {
    return this.templates.delete(id);
  }

  private assertNameFree(name: string): void {
    if (this.findByName(name)) throw new DuplicateTemplateNameError(name);
  }
}
