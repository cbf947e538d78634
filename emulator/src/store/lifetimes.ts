// Clerk's default lifetimes, in milliseconds.

const DAY_MS = 24 * 60 * 60 * 1000;
// Inactive sessions expire after 7 days, all after 30.
export const SESSION_EXPIRE_AFTER_MS = 7 * DAY_MS;
export const SESSION_ABANDON_AFTER_MS = 30 * DAY_MS;
// Unfinished sign-ins and sign-ups are abandoned after a day; an email code lasts 10 minutes.
const ATTEMPT_ABANDON_AFTER_MS = DAY_MS;
export const EMAIL_CODE_LIFETIME_MS = 10 * 60 * 1000;
// A handshake payload lives as long as the cookie that names it.
export const HANDSHAKE_PAYLOAD_LIFETIME_MS = 60 * 1000;

/** When a sign-in or sign-up starts, and when it is abandoned unless finished. */
export function attemptTimestamps(): { created_at: number; abandon_at: number } {
  const now = Date.now();
  return { created_at: now, abandon_at: now + ATTEMPT_ABANDON_AFTER_MS };
}
// A testing token lasts an hour (Clerk's example: issued 1713877200, expires_at 1713880800);
// a sign-in token 30 days unless its creator says otherwise.
export const TESTING_TOKEN_LIFETIME_MS = 60 * 60 * 1000;
export const SIGN_IN_TOKEN_DEFAULT_LIFETIME_SECONDS = 30 * 24 * 60 * 60;
