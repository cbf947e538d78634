/**
 * Clerk's default claims: every template token has them, and a template cannot change them.
 * A module of its own, so the explorer can mark them without loading the studio's JSON parser.
 */
export const CLERK_DEFAULT_CLAIMS = ["azp", "exp", "iat", "iss", "jti", "nbf", "sub"] as const;
