import { Hono, type Context } from "hono";
import { jsonResponse } from "../../http";
import type { InstanceKind } from "../../tokens/keys";
import { appOrigin } from "./envelope";

// `Client.Environment`: a production or development instance with email + password sign-in, sign-up with an
// emailed code, one session per browser, organizations without creating them, no captcha, billing or social logins.

/** Shown in the components' titles ("Sign in to …"). */
const APPLICATION_NAME = "remix-clerk-tokens";

/** Password length bounds: clerk-js checks them before sending, sign-ups again. */
export const PASSWORD_LENGTH = { min: 8, max: 72 };

const OFF = {
  enabled: false,
  required: false,
  used_for_first_factor: false,
  first_factors: [],
  used_for_second_factor: false,
  second_factors: [],
  verifications: [] as string[],
  verify_at_sign_up: false,
  immutable: false,
};

const disabled = { enabled: false };

const authConfig = {
  object: "auth_config",
  id: "aac_emulator",
  first_name: "off",
  last_name: "off",
  email_address: "required",
  phone_number: "off",
  username: "off",
  password: "required",
  identification_requirements: [["email_address"]],
  identification_strategies: ["email_address"],
  first_factors: ["password"],
  second_factors: [],
  email_address_verification_strategies: ["email_code"],
  // One session per browser: <UserButton/> has no "Add account", and signing out ends it.
  single_session_mode: true,
  enhanced_email_deliverability: false,
  // Clerk's test mode: the email code 424242 is always accepted.
  test_mode: true,
  url_based_session_syncing: false,
  claimed_at: null,
  reverification: false,
  native_settings: {
    object: "native_settings",
    api_enabled: false,
    trusted_device_sign_in_enabled: false,
    trusted_device_enrollment_prompt_after_sign_in_enabled: false,
    trusted_device_enrollment_prompt_after_sign_up_enabled: false,
  },
};

const userSettings = {
  // All attributes must be present: clerk-js replaces its defaults with this object whole.
  attributes: {
    // The sign-in identifier, verified at sign-up with an emailed code (a link would need email).
    email_address: {
      ...OFF,
      enabled: true,
      required: true,
      used_for_first_factor: true,
      verifications: ["email_code"],
      verify_at_sign_up: true,
    },
    password: { ...OFF, enabled: true, required: true },
    phone_number: OFF,
    username: OFF,
    web3_wallet: OFF,
    first_name: OFF,
    last_name: OFF,
    authenticator_app: OFF,
    ticket: OFF,
    backup_code: OFF,
    passkey: OFF,
  },
  social: {},
  saml: disabled,
  enterprise_sso: disabled,
  sign_in: { second_factor: { required: false } },
  sign_up: {
    captcha_enabled: false,
    captcha_widget_type: "smart",
    custom_action_required: false,
    progressive: true,
    mode: "public",
    legal_consent_enabled: false,
  },
  restrictions: {
    allowlist: disabled,
    blocklist: disabled,
    allowlist_blocklist_disabled_on_sign_in: disabled,
    block_email_subaddresses: disabled,
    block_disposable_email_domains: disabled,
  },
  password_settings: {
    disable_hibp: true,
    disable_password_reverification: false,
    min_length: PASSWORD_LENGTH.min,
    max_length: PASSWORD_LENGTH.max,
    require_special_char: false,
    require_numbers: false,
    require_uppercase: false,
    require_lowercase: false,
    // Off: the strength meter would load the large zxcvbn chunks.
    show_zxcvbn: false,
    min_zxcvbn_strength: 0,
    enforce_hibp_on_sign_in: false,
    allowed_special_characters: "",
  },
  username_settings: {
    min_length: 4,
    max_length: 64,
    allow_extended_special_characters: false,
    allow_numeric_usernames: false,
  },
  // The /v1/me endpoints that deleting oneself needs are not emulated.
  actions: { delete_self: false, create_organization: false, create_organizations_limit: null },
  attack_protection: {
    user_lockout: { enabled: false, max_attempts: 100, duration_in_minutes: 60 },
    pii: disabled,
    email_link: { require_same_client: false },
    enumeration_protection: disabled,
  },
  passkey_settings: { allow_autofill: false, show_sign_in_button: false, satisfies_second_factor: false },
};

// Organizations on: <OrganizationSwitcher/> lists the user's and switches between them and the
// personal account. Creating organizations is off (the Backend API creates them), as are domains.
const organizationSettings = {
  enabled: true,
  max_allowed_memberships: 5,
  actions: { admin_delete: false },
  domains: { enabled: false, enrollment_modes: [], default_role: "org:member" },
  slug: { disabled: false },
  creator_role: "org:admin",
};

/** The pages and redirects clerk-js falls back to when the app configures none. */
function displayConfig(origin: string, instanceKind: InstanceKind) {
  return {
    object: "display_config",
    id: "display_config_emulator",
    instance_environment_type: instanceKind,
    application_name: APPLICATION_NAME,
    theme: {},
    preferred_sign_in_strategy: "password",
    // Empty: no logo or favicon request leaves the machine.
    logo_image_url: "",
    favicon_image_url: "",
    home_url: origin,
    sign_in_url: `${origin}/sign-in`,
    sign_up_url: `${origin}/sign-up`,
    user_profile_url: `${origin}/user`,
    waitlist_url: origin,
    oauth_consent_url: origin,
    after_sign_in_url: origin,
    after_sign_up_url: origin,
    after_sign_out_one_url: origin,
    after_sign_out_all_url: origin,
    after_switch_session_url: origin,
    after_join_waitlist_url: origin,
    organization_profile_url: origin,
    create_organization_url: origin,
    after_leave_organization_url: origin,
    after_create_organization_url: origin,
    logo_link_url: origin,
    support_email: null,
    // Unbranded: no "Secured by Clerk" under the components.
    branded: false,
    experimental_force_oauth_first: false,
    clerk_js_version: "5",
    show_devmode_warning: false,
    google_one_tap_client_id: null,
    help_url: null,
    privacy_policy_url: null,
    terms_url: null,
    logo_url: null,
    favicon_url: null,
    logo_image: null,
    favicon_image: null,
    // No captcha public key: clerk-js then never loads a captcha.
    captcha_public_key: null,
    captcha_widget_type: null,
    captcha_public_key_invisible: null,
    captcha_provider: null,
    captcha_oauth_bypass: [],
    captcha_heartbeat: false,
  };
}

/**
 * `GET /v1/environment` (unwrapped, unlike the client endpoints), and `PATCH`, with which clerk-js
 * on a development instance "touches" it on load, reading the same answer.
 */
export function environmentRoutes(instanceKind: InstanceKind): Hono {
  const environment = (c: Context) =>
    jsonResponse({
      auth_config: authConfig,
      display_config: displayConfig(appOrigin(c) ?? new URL(c.req.url).origin, instanceKind),
      user_settings: userSettings,
      organization_settings: organizationSettings,
      client_debug_mode: false,
      // False keeps clerk-js's cookies SameSite=Lax without Secure, as plain http needs.
      partitioned_cookies: false,
      maintenance_mode: false,
    });
  return new Hono().get("/", environment).patch("/", environment);
}
