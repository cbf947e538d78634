import { exportJWK, generateKeyPair, type JWK } from "jose";
import type { JwtTemplateRecord } from "../../src/store/jwt-templates";
import type { ActiveMembership, MembershipRecord, OrganizationRecord } from "../../src/store/organizations";
import type { SessionRecord } from "../../src/store/sessions";
import type { UserRecord } from "../../src/store/users";
import { importSigningKey, publicJwkOf } from "../../src/tokens/keys";
import type { TokenIssuer } from "../../src/tokens/signing";

export const NOW = 1_750_000_000; // seconds

export function userRecord(overrides: Partial<UserRecord> = {}): UserRecord {
  return {
    id: "user_john",
    username: "john",
    first_name: "John",
    last_name: "Doe",
    image_url: "https://images.example/john.png",
    email_addresses: [{ id: "idn_john", email_address: "john@example.com", verified: true }],
    primary_email_address_id: "idn_john",
    password_digest: null,
    public_metadata: { role: "admin", addresses: { Home: "1 Main St", Work: "2 Side St" }, tags: ["a", "b"] },
    private_metadata: { secret: "do not leak" },
    unsafe_metadata: { theme: "dark" },
    created_at: 1_700_000_000_123,
    updated_at: 1_700_000_000_123,
    ...overrides,
  };
}

export function sessionRecord(overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id: "sess_john",
    user_id: "user_john",
    client_id: "client_john",
    status: "active",
    origin: null,
    last_active_organization_id: null,
    last_active_at: NOW * 1000,
    expire_at: NOW * 1000 + 86_400_000,
    abandon_at: NOW * 1000 + 86_400_000,
    created_at: NOW * 1000 - 5 * 60_000,
    updated_at: NOW * 1000,
    ...overrides,
  };
}

export function templateRecord(overrides: Partial<JwtTemplateRecord> = {}): JwtTemplateRecord {
  return {
    id: "jtmp_test",
    name: "test",
    claims: {},
    lifetime: 60,
    allowed_clock_skew: 5,
    custom_signing: null,
    created_at: NOW * 1000,
    updated_at: NOW * 1000,
    ...overrides,
  };
}

export function organizationRecord(overrides: Partial<OrganizationRecord> = {}): OrganizationRecord {
  return {
    id: "org_acme",
    name: "Acme",
    slug: "acme",
    image_url: "https://images.example/acme.png",
    public_metadata: { plan: "enterprise", limits: { seats: 25 }, regions: ["eu", "us"] },
    private_metadata: { billing: "do not leak" },
    max_allowed_memberships: 5,
    admin_delete_enabled: true,
    created_by: "user_john",
    created_at: 1_710_000_000_000,
    updated_at: 1_710_000_000_000,
    ...overrides,
  };
}

/** John's membership of Acme, as an admin unless `role` says otherwise. */
export function acmeMembership(overrides: Partial<MembershipRecord> = {}): ActiveMembership {
  return {
    organization: organizationRecord(),
    membership: {
      id: "orgmem_john_acme",
      organization_id: "org_acme",
      user_id: "user_john",
      role: "org:admin",
      public_metadata: { team: "platform", seat: 7 },
      private_metadata: { review: "do not leak" },
      created_at: 1_710_000_000_000,
      updated_at: 1_710_000_000_000,
      ...overrides,
    },
  };
}

/** A signing identity with a fresh RSA key, as an emulator instance would have. */
export async function testIssuer(): Promise<{ issuer: TokenIssuer; publicJwk: JWK }> {
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const privateJwk = { ...(await exportJWK(privateKey)), kid: "ins_test", alg: "RS256" };
  return {
    issuer: { issuer: "https://127.0.0.1:4010", kid: "ins_test", signingKey: await importSigningKey(privateJwk) },
    publicJwk: publicJwkOf(privateJwk),
  };
}
