import { userResource } from "../../resources";
import type { ClientRecord } from "../../store/clients";
import type { SessionRecord } from "../../store/sessions";
import type { SignInRecord } from "../../store/sign-ins";
import type { SignUpRecord } from "../../store/sign-ups";
import type { UserRecord } from "../../store/users";
import { factorVerificationAge } from "../../tokens/session-token";
import type { ClientMembershipJSON } from "./organization-resources";

// Frontend API objects, shaped as Clerk's Frontend API description (fapi-2025-11-10.yml)
// defines them and as clerk-js 5 reads them. Timestamps are milliseconds. Fields are picked
// one by one: a browser must never see a password digest or private metadata.

export type SessionJSON = ReturnType<typeof sessionJSON>;
export type SignInJSON = ReturnType<typeof signInJSON>;
export type SignUpJSON = ReturnType<typeof signUpJSON>;

/** `Token`: a JWT as clerk-js receives it, in `last_active_token` and from `/tokens`. */
export function tokenJSON(jwt: string) {
  return { object: "token", jwt };
}

/**
 * `Client.User`: the signed-in user, as `<UserButton/>` and `<OrganizationSwitcher/>` show them. The
 * Backend API's User, less what only a backend may see, with their organization memberships and the
 * instance's settings (no self-deletion, no creating organizations).
 */
export function userJSON(user: UserRecord, memberships: ClientMembershipJSON[]) {
  const { private_metadata: _backendOnly, ...shared } = userResource(user);
  return {
    ...shared,
    organization_memberships: memberships,
    delete_self_enabled: false,
    create_organization_enabled: false,
  };
}

function primaryEmailOf(user: UserRecord): string | null {
  return user.email_addresses.find((email) => email.id === user.primary_email_address_id)?.email_address ?? null;
}

/**
 * `Client.Session-2`. A live session carries a fresh token, which clerk-js writes into `__session`,
 * and its active organization, which clerk-js finds among the user's memberships.
 */
export function sessionJSON(
  session: SessionRecord,
  user: UserRecord,
  memberships: ClientMembershipJSON[],
  lastActiveToken: string | null,
) {
  return {
    object: "session",
    id: session.id,
    status: session.status,
    expire_at: session.expire_at,
    abandon_at: session.abandon_at,
    last_active_at: session.last_active_at,
    last_active_token: lastActiveToken === null ? null : tokenJSON(lastActiveToken),
    last_active_organization_id: session.last_active_organization_id,
    actor: null,
    tasks: null,
    user: userJSON(user, memberships),
    public_user_data: {
      first_name: user.first_name,
      last_name: user.last_name,
      image_url: user.image_url,
      has_image: user.image_url !== "",
      identifier: primaryEmailOf(user) ?? user.id,
      user_id: user.id,
      username: user.username,
    },
    factor_verification_age: factorVerificationAge(session),
    created_at: session.created_at,
    updated_at: session.updated_at,
  };
}

/** How a completed sign-in's first factor was verified: its password, or a sign-in token's ticket. */
function firstFactorVerified(strategy: SignInRecord["strategy"]) {
  return strategy === "ticket"
    ? { object: "verification_ticket", status: "verified", strategy: "ticket", attempts: null, expire_at: null }
    : { object: "verification_password", status: "verified", strategy: "password", attempts: 1, expire_at: null };
}

/** `Client.SignIn-2`: a sign-in by email address and password, or by ticket. */
export function signInJSON(signIn: SignInRecord, user: UserRecord) {
  const complete = signIn.created_session_id !== null;
  return {
    object: "sign_in_attempt",
    id: signIn.id,
    status: complete ? "complete" : "needs_first_factor",
    supported_identifiers: ["email_address"],
    // Password only: with preferred_sign_in_strategy "password", clerk-js goes straight to it.
    supported_first_factors: [{ strategy: "password" }],
    supported_second_factors: null,
    first_factor_verification: complete ? firstFactorVerified(signIn.strategy) : null,
    second_factor_verification: null,
    identifier: signIn.identifier,
    user_data: {
      first_name: user.first_name,
      last_name: user.last_name,
      image_url: user.image_url,
      has_image: user.image_url !== "",
    },
    created_session_id: signIn.created_session_id,
    abandon_at: signIn.abandon_at,
  };
}

/** Sign-up fields the instance requires (environment.ts says the same to clerk-js). */
const REQUIRED_SIGN_UP_FIELDS = ["email_address", "password"] as const;

/** What the sign-up still lacks; clerk-js expects arrays here, never null. */
export function missingSignUpFields(signUp: SignUpRecord): string[] {
  const provided = { email_address: signUp.email_address, password: signUp.password_digest };
  return REQUIRED_SIGN_UP_FIELDS.filter((field) => provided[field] === null);
}

/** `Client.SignUp`: email + password, the email verified by a code. */
export function signUpJSON(signUp: SignUpRecord) {
  const verification = signUp.email_verification;
  const emailVerified = verification.status === "verified";
  const nextAction = emailVerified ? "" : verification.attempts === null ? "needs_prepare" : "needs_attempt";
  return {
    object: "sign_up_attempt",
    id: signUp.id,
    status: signUp.created_session_id === null ? "missing_requirements" : "complete",
    required_fields: [...REQUIRED_SIGN_UP_FIELDS],
    optional_fields: [],
    missing_fields: missingSignUpFields(signUp),
    unverified_fields: signUp.email_address !== null && !emailVerified ? ["email_address"] : [],
    verifications: {
      email_address:
        signUp.email_address === null
          ? null
          : {
              object: "verification_otp",
              status: verification.status,
              strategy: "email_code",
              attempts: verification.attempts,
              expire_at: verification.expire_at,
              next_action: nextAction,
              supported_strategies: ["email_code"],
            },
      phone_number: null,
      web3_wallet: null,
      external_account: null,
    },
    username: null,
    email_address: signUp.email_address,
    phone_number: null,
    web3_wallet: null,
    password_enabled: signUp.password_digest !== null,
    first_name: signUp.first_name,
    last_name: signUp.last_name,
    unsafe_metadata: {},
    public_metadata: {},
    custom_action: false,
    external_id: null,
    created_session_id: signUp.created_session_id,
    created_user_id: signUp.created_user_id,
    abandon_at: signUp.abandon_at,
    legal_accepted_at: null,
  };
}

/** `Client.Client-2`: the browser's client, which every envelope hands to clerk-js whole. */
export function clientJSON(
  client: ClientRecord,
  parts: { sessions: SessionJSON[]; signIn: SignInJSON | null; signUp: SignUpJSON | null },
) {
  return {
    object: "client",
    id: client.id,
    sessions: parts.sessions,
    sign_in: parts.signIn,
    sign_up: parts.signUp,
    last_active_session_id: client.last_active_session_id,
    last_authentication_strategy: null,
    // Null: a date within 8 days would make clerk-js route sign-ins through /v1/client/touch.
    cookie_expires_at: null,
    captcha_bypass: false,
    created_at: client.created_at,
    updated_at: client.updated_at,
  };
}
