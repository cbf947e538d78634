import { SignJWT, importPKCS8, type CryptoKey, type JWTPayload } from "jose";
import type { Json, JsonObject } from "../store/json";
import type { CustomSigning, JwtTemplateRecord } from "../store/jwt-templates";
import type { ActiveMembership } from "../store/organizations";
import type { SessionRecord } from "../store/sessions";
import type { UserRecord } from "../store/users";
import { organizationShortcodeValues } from "./organization-claims";
import { defaultClaims, nowInSeconds, signWithInstanceKey, TOKEN_CATEGORY, type TokenIssuer } from "./signing";

/** Algorithms a template's own signing key may use. */
// prettier-ignore
export const CUSTOM_SIGNING_ALGORITHMS = [
  "HS256", "HS384", "HS512",
  "RS256", "RS384", "RS512",
  "PS256", "PS384", "PS512",
  "ES256", "ES384", "ES512",
] as const;

/** Clerk's defaults: tokens live 60 s, and nbf is backdated 5 s for clock skew. */
export const TEMPLATE_DEFAULTS = { lifetime: 60, allowed_clock_skew: 5 };

/** Session-only claims that a template token never carries, whatever the template says. */
const SESSION_ONLY_CLAIMS = ["sid", "v", "pla", "fea"];

export class TemplateSyntaxError extends Error {}

type Operand = { literal: Json } | { path: string[] };
type Resolve = (path: string[]) => Json;

const SHORTCODE = /\{\{(.*?)\}\}/g;
// One operand of `{{ a || b || 'literal' }}`: a quoted string, a boolean, a number or a dot path.
const OPERAND =
  /\s*(?:'([^']*)'|(true|false)(?![\w.])|(-?\d+(?:\.\d+)?)(?![\w.])|([A-Za-z_][\w-]*(?:\.[^\s.|'{}]+)*))\s*/y;

function parseExpression(expression: string): Operand[] {
  const operands: Operand[] = [];
  let position = 0;
  for (;;) {
    OPERAND.lastIndex = position;
    const match = OPERAND.exec(expression);
    if (!match) throw new TemplateSyntaxError(`Invalid shortcode: {{${expression}}}`);
    const [, quoted, boolean, number, path] = match;
    if (quoted !== undefined) operands.push({ literal: quoted });
    else if (boolean !== undefined) operands.push({ literal: boolean === "true" });
    else if (number !== undefined) operands.push({ literal: Number(number) });
    else operands.push({ path: (path ?? "").split(".") });
    position = OPERAND.lastIndex;
    if (position === expression.length) return operands;
    if (!expression.startsWith("||", position)) throw new TemplateSyntaxError(`Invalid shortcode: {{${expression}}}`);
    position += 2;
  }
}

/** `a || b || c`: the first operand that is neither null nor false, else the last one as it is. */
function evaluate(expression: string, resolve: Resolve): Json {
  let value: Json = null;
  for (const operand of parseExpression(expression)) {
    value = "literal" in operand ? operand.literal : resolve(operand.path);
    if (value !== null && value !== false) return value;
  }
  return value;
}

function asText(value: Json): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function renderString(text: string, resolve: Resolve): Json {
  const shortcodes = [...text.matchAll(SHORTCODE)];
  const [only] = shortcodes;
  if (!only) return text;
  // A value that is exactly one shortcode keeps the shortcode's type (object, number, null…).
  if (shortcodes.length === 1 && only[0] === text) return evaluate(only[1] ?? "", resolve);
  return text.replace(SHORTCODE, (_, expression: string) => asText(evaluate(expression, resolve))).trimEnd();
}

function renderValue(value: Json, resolve: Resolve): Json {
  if (typeof value === "string") return renderString(value, resolve);
  if (Array.isArray(value)) return value.map((item) => renderValue(item, resolve));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, renderValue(item, resolve)]));
  }
  return value;
}

/** The values Clerk's shortcodes name, e.g. `{{user.primary_email_address}}`. */
function shortcodeValues(user: UserRecord): JsonObject {
  const primaryEmail = user.email_addresses.find((email) => email.id === user.primary_email_address_id);
  const fullName = [user.first_name, user.last_name].filter((part) => part !== null).join(" ");
  return {
    id: user.id,
    first_name: user.first_name,
    last_name: user.last_name,
    full_name: fullName === "" ? null : fullName,
    username: user.username,
    image_url: user.image_url,
    primary_email_address: primaryEmail?.email_address ?? null,
    email_verified: primaryEmail?.verified ?? false,
    // The emulator's users have no phone numbers.
    primary_phone_address: null,
    phone_number_verified: false,
    created_at: Math.floor(user.created_at / 1000),
    public_metadata: user.public_metadata,
    unsafe_metadata: user.unsafe_metadata,
  };
}

function resolverFor(user: UserRecord, organization: ActiveMembership | null): Resolve {
  const root: JsonObject = { user: shortcodeValues(user), ...organizationShortcodeValues(organization) };
  // Unknown shortcodes and missing metadata paths render null.
  return (path) =>
    path.reduce<Json>(
      (value, key) =>
        value !== null && typeof value === "object" && Object.hasOwn(value, key)
          ? ((value as JsonObject)[key] ?? null)
          : null,
      root,
    );
}

/**
 * Renders a template's claims for a user and the organization active for the token (none: the
 * personal account). @throws TemplateSyntaxError on a malformed shortcode.
 */
export function renderClaims(
  claims: JsonObject,
  user: UserRecord,
  organization: ActiveMembership | null = null,
): JsonObject {
  return renderValue(claims, resolverFor(user, organization)) as JsonObject;
}

/** @throws TemplateSyntaxError naming the first malformed shortcode in the claims. */
export function assertValidClaims(claims: JsonObject): void {
  renderValue(claims, () => null);
}

/** @throws when the key does not fit the algorithm (an HMAC secret, or a PKCS #8 PEM private key). */
export async function importCustomSigningKey({ algorithm, key }: CustomSigning): Promise<CryptoKey | Uint8Array> {
  if (algorithm.startsWith("HS")) {
    if (key === "") throw new Error("An HMAC signing key must not be empty.");
    return new TextEncoder().encode(key);
  }
  return importPKCS8(key, algorithm);
}

/**
 * A token from a JWT template: the rendered claims plus Clerk's default claims, which the
 * template cannot override. Signed with the template's own key if it has one.
 */
export async function mintTemplateToken(options: {
  issuer: TokenIssuer;
  template: JwtTemplateRecord;
  session: SessionRecord;
  user: UserRecord;
  organization?: ActiveMembership | null;
  expiresInSeconds?: number;
  now?: number;
}): Promise<string> {
  const { issuer, template, session, user, now = nowInSeconds() } = options;
  const rendered: JWTPayload = renderClaims(template.claims, user, options.organization);
  for (const claim of SESSION_ONLY_CLAIMS) delete rendered[claim];
  const claims = {
    ...rendered,
    ...defaultClaims({
      issuer: issuer.issuer,
      session,
      now,
      lifetimeSeconds: options.expiresInSeconds ?? template.lifetime,
      clockSkewSeconds: template.allowed_clock_skew,
    }),
  };
  if (!template.custom_signing) return signWithInstanceKey(claims, issuer, TOKEN_CATEGORY.jwtTemplate);
  const key = await importCustomSigningKey(template.custom_signing);
  const header = { alg: template.custom_signing.algorithm, typ: "JWT", cat: TOKEN_CATEGORY.jwtTemplate };
  return new SignJWT(claims).setProtectedHeader(header).sign(key);
}
