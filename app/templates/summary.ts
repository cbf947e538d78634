/** A JWT template as the pages see it (shared by server and browser code). */
export type TemplateSummary = {
  id: string;
  name: string;
  claims: Record<string, unknown>;
  lifetime: number;
  allowedClockSkew: number;
  customSigningKey: boolean;
  signingAlgorithm: string;
};

/** What a template name may be, in the studio's words, on the page and in the server's refusal alike. */
export const TEMPLATE_NAME_RULE = "The name must be 1-64 letters, digits, '-' or '_', starting with a letter or digit.";

/** The bounds Clerk's Backend API accepts, in seconds. */
export const LIFETIME_BOUNDS = { min: 30, max: 315_360_000 } as const;
export const CLOCK_SKEW_BOUNDS = { min: 0, max: 300 } as const;
