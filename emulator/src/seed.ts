import { readFile } from "node:fs/promises";
import { z } from "zod";
import { hashPassword } from "./passwords";
import { EmulatorStore } from "./store";
import { ROLE_KEYS } from "./store/organization-roles";
import {
  CUSTOM_SIGNING_ALGORITHMS,
  TEMPLATE_DEFAULTS,
  assertValidClaims,
  importCustomSigningKey,
} from "./tokens/jwt-template";
import { clockSkewSeconds, jsonObject, lifetimeSeconds } from "./validation";

const timestamp = z.iso.datetime({ offset: true }).transform((value) => Date.parse(value));

// The seed file uses the Backend API's own field names, so it reads like Clerk's responses.
const seedSchema = z.strictObject({
  users: z.array(
    z.strictObject({
      id: z.string().startsWith("user_"),
      username: z.string().nullable().default(null),
      first_name: z.string().nullable().default(null),
      last_name: z.string().nullable().default(null),
      image_url: z.string().default(""),
      email_address: z.email(),
      password: z.string().nullable().default(null),
      created_at: timestamp.optional(),
      public_metadata: jsonObject.default({}),
      private_metadata: jsonObject.default({}),
      unsafe_metadata: jsonObject.default({}),
    }),
  ),
  sessions: z.array(
    z.strictObject({
      id: z.string().startsWith("sess_"),
      user_id: z.string(),
      client_id: z.string().startsWith("client_"),
    }),
  ),
  organizations: z
    .array(
      z.strictObject({
        id: z.string().startsWith("org_"),
        name: z.string().min(1),
        slug: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/),
        image_url: z.string().default(""),
        created_by: z.string().nullable().default(null),
        created_at: timestamp.optional(),
        public_metadata: jsonObject.default({}),
        private_metadata: jsonObject.default({}),
        memberships: z.array(
          z.strictObject({
            user_id: z.string(),
            role: z.enum(ROLE_KEYS),
            public_metadata: jsonObject.default({}),
            private_metadata: jsonObject.default({}),
          }),
        ),
      }),
    )
    .default([]),
  jwt_templates: z.array(
    z.strictObject({
      id: z.string().startsWith("jtmp_"),
      name: z.string().min(1),
      claims: jsonObject,
      lifetime: lifetimeSeconds.default(TEMPLATE_DEFAULTS.lifetime),
      allowed_clock_skew: clockSkewSeconds.default(TEMPLATE_DEFAULTS.allowed_clock_skew),
      signing_algorithm: z.enum(CUSTOM_SIGNING_ALGORITHMS).optional(),
      signing_key: z.string().optional(),
    }),
  ),
});

export type Seed = z.infer<typeof seedSchema>;

export async function readSeedFile(file: string): Promise<Seed> {
  const parsed = seedSchema.safeParse(JSON.parse(await readFile(file, "utf8")));
  if (!parsed.success) throw new Error(`Invalid seed file ${file}:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** A fresh store holding the seed's users, their organizations and sessions, and the JWT templates. */
export async function storeFromSeed(seed: Seed): Promise<EmulatorStore> {
  const store = new EmulatorStore();
  const now = Date.now();
  for (const { email_address, created_at = now, password, ...user } of seed.users) {
    const emailId = `idn_${user.id.replace(/^user_/, "")}_email`;
    store.users.add({
      ...user,
      // The seed file shows passwords plainly for readability; the store keeps only digests.
      password_digest: password === null ? null : await hashPassword(password),
      email_addresses: [{ id: emailId, email_address, verified: true }],
      primary_email_address_id: emailId,
      created_at,
      updated_at: created_at,
    });
  }
  for (const { memberships, created_at = now, ...organization } of seed.organizations) {
    const created = store.organizations.create({ ...organization, created_at });
    for (const { user_id, role, ...fields } of memberships) {
      if (!store.users.get(user_id))
        throw new Error(`Seed organization "${organization.slug}" names no user ${user_id}.`);
      store.organizations.addMember(created, user_id, role, { ...fields, created_at });
    }
  }
  for (const session of seed.sessions) {
    store.sessions.create({ id: session.id, userId: session.user_id, clientId: session.client_id });
  }
  for (const { id, signing_algorithm, signing_key, ...template } of seed.jwt_templates) {
    if ((signing_algorithm === undefined) !== (signing_key === undefined)) {
      throw new Error(`Seed template "${template.name}" needs both signing_algorithm and signing_key, or neither.`);
    }
    const custom_signing =
      signing_algorithm !== undefined && signing_key !== undefined
        ? { algorithm: signing_algorithm, key: signing_key }
        : null;
    // Fail at start-up, not at the first token, when a seeded template cannot work.
    assertValidClaims(template.claims);
    if (custom_signing) await importCustomSigningKey(custom_signing);
    store.jwtTemplates.create({ ...template, custom_signing }, id);
  }
  return store;
}
