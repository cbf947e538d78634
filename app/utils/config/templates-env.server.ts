import { z } from "zod";
import { commaSeparated, ConfigError } from "~/utils/config/schema.server";

/** The variables that say which JWT templates requests may ask for, and whether they may be edited. */

/** Clerk's template names are short identifiers; anything else never reaches Clerk. */
export const TEMPLATE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

const templateName = z.string().trim().regex(TEMPLATE_NAME_PATTERN, "must be 1-64 letters, digits, '-' or '_'");

/** `CLERK_JWT_TEMPLATES=*`: every template the instance has, read from the Backend API. */
export const EVERY_INSTANCE_TEMPLATE = "*";
const templateListEntry = z
  .string()
  .regex(
    /^(?:\*|[A-Za-z0-9][A-Za-z0-9_-]{0,63})$/,
    "must be 1-64 letters, digits, '-' or '_' (names separated by commas), or * alone for every template",
  );

const REFRESH_MESSAGE = "must be a whole number of seconds from 1 to 3600";

/** Clerk's user ids: `user_` and letters and digits (the emulator's seed adds underscores). */
const USER_ID_PATTERN = /^user_\w+$/;
const editorEntry = z
  .string()
  .refine(
    (entry) => USER_ID_PATTERN.test(entry) || z.email().safeParse(entry).success,
    "must be user ids (user_…, Clerk Dashboard → Users) or email addresses, separated by commas",
  );

/**
 * A value of the users' public metadata `role` (Clerk's basic RBAC with metadata). An organization role
 * (`org:…`) is refused: it holds in one organization, which any user may create (decision 032).
 */
const editorRole = z
  .string()
  .trim()
  .refine(
    (role) => !role.toLowerCase().startsWith("org:"),
    "must be a value of the users' public metadata role, such as admin, not an organization role (org:…): " +
      "any user may create an organization and be its org:admin, and templates are instance-wide",
  )
  .regex(
    /^[A-Za-z0-9][\w.:-]{0,63}$/,
    "must be the public metadata role that grants template editing, such as admin: 1-64 letters, digits, '_', '-', '.' or ':'",
  )
  .optional();

export const templatesSchema = {
  CLERK_JWT_TEMPLATE: templateName.default("test"),
  CLERK_JWT_TEMPLATES: commaSeparated(templateListEntry).pipe(
    z
      .array(z.string())
      .max(50)
      .refine(
        (list) => !list.includes(EVERY_INSTANCE_TEMPLATE) || list.length === 1,
        "is either * (every template the instance has) or a list of names, not both",
      ),
  ),
  TEMPLATE_LIST_REFRESH_SECONDS: z.coerce
    .number({ error: REFRESH_MESSAGE })
    .int(REFRESH_MESSAGE)
    .min(1, REFRESH_MESSAGE)
    .max(3600, REFRESH_MESSAGE)
    .default(60),
  TEMPLATE_EDITING: z
    .enum(["on", "off"], { error: "must be on (create and edit JWT templates in /templates) or off" })
    .optional(),
  TEMPLATE_EDITORS: commaSeparated(editorEntry),
  TEMPLATE_EDITOR_ROLE: editorRole,
};

type TemplatesVars = z.output<z.ZodObject<typeof templatesSchema>>;

/**
 * Whether the studio may edit templates, and if not, why, in words the pages show. On by default with
 * the emulator once someone is named, on request with a development instance, and never with a
 * production key (sk_live_), whatever asks for it: a slip would change live tokens
 * (docs/decisions/025-template-editors-and-the-emulator-marker.md).
 */
function templateEditingOf(vars: TemplatesVars, secretKey: string, offline: boolean) {
  const asked = vars.TEMPLATE_EDITING;
  if (secretKey.startsWith("sk_live_")) {
    if (asked === "on") {
      throw new ConfigError([
        "TEMPLATE_EDITING=on is refused with a production key (sk_live_): editing would change live tokens. " +
          "Use a development instance's sk_test_ key, or unset TEMPLATE_EDITING.",
      ]);
    }
    return off("this server's secret key is a production key (sk_live_), and editing would change live tokens");
  }
  if (asked === "off") return off("TEMPLATE_EDITING=off");
  if (asked === undefined && !offline) return off("a development instance's sk_test_ key needs TEMPLATE_EDITING=on");
  // A role names whoever holds it, though nobody may yet.
  if (vars.TEMPLATE_EDITORS.length > 0 || vars.TEMPLATE_EDITOR_ROLE !== undefined) {
    return { templateEditing: true, templateEditingOffReason: undefined };
  }
  // Asked for explicitly, nobody named is a mistake to stop at; by the emulator's default, only nobody to edit.
  if (asked === "on") {
    throw new ConfigError([
      "TEMPLATE_EDITORS names nobody and TEMPLATE_EDITOR_ROLE is unset, yet template editing is on " +
        "(TEMPLATE_EDITING=on). List who may create and edit templates in TEMPLATE_EDITORS: user ids (user_…, " +
        "Clerk Dashboard → Users) or primary email addresses, separated by commas; or set TEMPLATE_EDITOR_ROLE " +
        "to the public metadata role that grants it (such as admin); or set TEMPLATE_EDITING=off.",
    ]);
  }
  return off("TEMPLATE_EDITORS names nobody and TEMPLATE_EDITOR_ROLE is unset");
}

const off = (reason: string) => ({
  templateEditing: false,
  templateEditingOffReason: `Template editing is off on this server: ${reason}.`,
});

/** Who may edit: user ids as they are, email addresses compared without case, and the role that grants it. */
function templateEditorsOf(entries: string[], role: string | undefined) {
  return {
    userIds: entries.filter((entry) => USER_ID_PATTERN.test(entry)),
    emails: entries.filter((entry) => !USER_ID_PATTERN.test(entry)).map((email) => email.toLowerCase()),
    /** As configured, for the pages that say who may edit. */
    named: entries,
    /** The users' public metadata `role` that makes them editors (TEMPLATE_EDITOR_ROLE), compared exactly. */
    role,
  };
}

/** Which templates a request may name, whether the studio may write them, and who may. */
export function templatesConfigOf(vars: TemplatesVars, clerk: { secretKey: string; usesOfflineEmulator: boolean }) {
  const everyInstanceTemplate = vars.CLERK_JWT_TEMPLATES.includes(EVERY_INSTANCE_TEMPLATE);
  const editing = templateEditingOf(vars, clerk.secretKey, clerk.usesOfflineEmulator);
  return {
    defaultTemplate: vars.CLERK_JWT_TEMPLATE,
    // The default template is always allowed, whatever the list says.
    allowedTemplates: everyInstanceTemplate
      ? [vars.CLERK_JWT_TEMPLATE]
      : [...new Set([vars.CLERK_JWT_TEMPLATE, ...vars.CLERK_JWT_TEMPLATES])],
    // With `*`, the instance's own list (refreshed) allows a name, besides the default template.
    everyInstanceTemplate,
    templateListRefreshMs: vars.TEMPLATE_LIST_REFRESH_SECONDS * 1000,
    ...editing,
    templateEditors: templateEditorsOf(vars.TEMPLATE_EDITORS, vars.TEMPLATE_EDITOR_ROLE),
  };
}
