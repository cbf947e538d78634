import type { JwtTemplateRecord } from "./store/jwt-templates";
import type { SessionRecord } from "./store/sessions";
import type { SignInTokenRecord } from "./store/sign-in-tokens";
import type { TestingTokenRecord } from "./store/testing-tokens";
import type { UserRecord } from "./store/users";

// Backend API objects, shaped as the Backend API description (bapi-2025-11-10.yml) defines
// them. Fields are picked one by one so secrets (passwords, signing keys) never leak.

export function userResource(user: UserRecord) {
  return {
    object: "user",
    id: user.id,
    external_id: null,
    primary_email_address_id: user.primary_email_address_id,
    primary_phone_number_id: null,
    primary_web3_wallet_id: null,
    username: user.username,
    first_name: user.first_name,
    last_name: user.last_name,
    image_url: user.image_url,
    has_image: user.image_url !== "",
    public_metadata: user.public_metadata,
    private_metadata: user.private_metadata,
    unsafe_metadata: user.unsafe_metadata,
    email_addresses: user.email_addresses.map((email) => ({
      object: "email_address",
      id: email.id,
      email_address: email.email_address,
      reserved: false,
      // The code that verified the address had served its purpose by the time the user existed.
      verification: email.verified
        ? {
            object: "verification_otp",
            status: "verified",
            strategy: "email_code",
            attempts: 1,
            expire_at: user.created_at,
          }
        : null,
      linked_to: [],
      matches_sso_connection: false,
      created_at: user.created_at,
      updated_at: user.updated_at,
    })),
    phone_numbers: [],
    web3_wallets: [],
    passkeys: [],
    password_enabled: user.password_digest !== null,
    two_factor_enabled: false,
    totp_enabled: false,
    backup_code_enabled: false,
    mfa_enabled_at: null,
    mfa_disabled_at: null,
    external_accounts: [],
    saml_accounts: [],
    enterprise_accounts: [],
    last_sign_in_at: null,
    banned: false,
    locked: false,
    lockout_expires_in_seconds: null,
    verification_attempts_remaining: 100,
    created_at: user.created_at,
    updated_at: user.updated_at,
    delete_self_enabled: true,
    create_organization_enabled: true,
    last_active_at: null,
    legal_accepted_at: null,
  };
}

export function sessionResource(session: SessionRecord) {
  return {
    object: "session",
    id: session.id,
    user_id: session.user_id,
    client_id: session.client_id,
    actor: null,
    status: session.status,
    last_active_organization_id: session.last_active_organization_id,
    last_active_at: session.last_active_at,
    expire_at: session.expire_at,
    abandon_at: session.abandon_at,
    created_at: session.created_at,
    updated_at: session.updated_at,
  };
}

export function jwtTemplateResource(template: JwtTemplateRecord) {
  return {
    object: "jwt_template",
    id: template.id,
    name: template.name,
    claims: template.claims,
    lifetime: template.lifetime,
    allowed_clock_skew: template.allowed_clock_skew,
    custom_signing_key: template.custom_signing !== null,
    signing_algorithm: template.custom_signing?.algorithm ?? "RS256",
    created_at: template.created_at,
    updated_at: template.updated_at,
  };
}

export function testingTokenResource(record: TestingTokenRecord) {
  return { object: "testing_token", token: record.token, expires_at: record.expires_at };
}

/** `url` is null: the emulator has no Account Portal to send the ticket to. */
export function signInTokenResource(record: SignInTokenRecord) {
  return {
    object: "sign_in_token",
    id: record.id,
    status: record.status,
    user_id: record.user_id,
    token: record.token,
    url: null,
    created_at: record.created_at,
    updated_at: record.updated_at,
  };
}
