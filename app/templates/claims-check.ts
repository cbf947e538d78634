import { parseTree, printParseErrorCode, type Node, type ParseError } from "jsonc-parser";
import { CLERK_DEFAULT_CLAIMS } from "~/templates/default-claims";

/**
 * Checks a template's claims as typed, in the browser and again on the
 * server: the JSON, each shortcode's syntax (with the line and column of a
 * mistake), claims Clerk sets itself, and shortcodes Clerk does not document.
 */

export type Finding = { level: "error" | "warning"; claim?: string; message: string };

export type ClaimsCheck = { claims?: Record<string, unknown>; findings: Finding[] };

/**
 * The shortcodes Clerk's JWT template guide names (its organization ones in the shortcode table it
 * had until April 2024); metadata ones reach inside with dots.
 */
const DOCUMENTED_SHORTCODES = new Set([
  "user.id",
  "user.first_name",
  "user.last_name",
  "user.full_name",
  "user.image_url",
  "user.primary_email_address",
  "user.primary_phone_address",
  "user.email_verified",
  "user.phone_number_verified",
  "user.created_at",
  "org.id",
  "org.slug",
  "org.role",
  "org.name",
  "org_membership.permissions",
]);
const DOCUMENTED_METADATA =
  /^(user\.(public_metadata|unsafe_metadata)|org\.public_metadata|org_membership\.public_metadata)(\.|$)/;

const SHORTCODE = /\{\{(.*?)\}\}/g;
// One operand of `{{ a || b || 'literal' }}`: a quoted string, a boolean, a number or a dot path.
const OPERAND =
  /\s*(?:'[^']*'|(?:true|false)(?![\w.])|-?\d+(?:\.\d+)?(?![\w.])|([A-Za-z_][\w-]*(?:\.[^\s.|'{}]+)*))\s*/y;

/** The dot paths of one shortcode's expression, or the offset of its first syntax error. */
export function parseShortcode(expression: string): { paths: string[] } | { errorAt: number } {
  const paths: string[] = [];
  let position = 0;
  for (;;) {
    OPERAND.lastIndex = position;
    const match = OPERAND.exec(expression);
    if (!match) return { errorAt: position };
    if (match[1] !== undefined) paths.push(match[1]);
    position = OPERAND.lastIndex;
    if (position === expression.length) return { paths };
    if (!expression.startsWith("||", position)) return { errorAt: position };
    position += 2;
  }
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split("\n");
  return `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
}

function checkString(text: string, node: Node, claim: string, findings: Finding[]) {
  // node.offset is the opening quote; shortcodes are located in the raw text, escapes aside.
  const raw = text.slice(node.offset + 1, node.offset + node.length - 1);
  const at = (index: number) => lineAndColumn(text, node.offset + 1 + Math.max(index, 0));
  const unclosed = raw.replace(SHORTCODE, (match) => " ".repeat(match.length)).indexOf("{{");
  if (unclosed >= 0) {
    findings.push({ level: "error", claim, message: `A shortcode opened at ${at(unclosed)} is never closed with }}.` });
  }
  for (const match of raw.matchAll(SHORTCODE)) {
    const expression = match[1] ?? "";
    const parsed = parseShortcode(expression);
    if ("errorAt" in parsed) {
      const where = at(match.index + 2 + parsed.errorAt);
      findings.push({ level: "error", claim, message: `Shortcode ${match[0]} is malformed at ${where}.` });
      continue;
    }
    for (const path of parsed.paths) {
      if (DOCUMENTED_SHORTCODES.has(path) || DOCUMENTED_METADATA.test(path)) continue;
      findings.push({
        level: "warning",
        claim,
        message: `{{${path}}} is not a shortcode Clerk documents; Clerk may render it as null.`,
      });
    }
  }
}

function checkValue(text: string, node: Node, claim: string, findings: Finding[]) {
  if (node.type === "string") checkString(text, node, claim, findings);
  for (const child of node.children ?? []) {
    checkValue(text, child.type === "property" ? child.children![1]! : child, claim, findings);
  }
}

function jsonErrorFinding(text: string, { error, offset }: ParseError): Finding {
  const reason = printParseErrorCode(error)
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase();
  return { level: "error", message: `The claims are not valid JSON: ${reason} at ${lineAndColumn(text, offset)}.` };
}

/**
 * Far deeper than any template's claims go. jsonc-parser and the walk above recurse once per
 * level: thousands of levels (6000 arrays fit in 36 KB) would overflow the stack, on the server
 * and in the browser as you type, so the depth is counted before either sees the text.
 */
export const MAX_CLAIMS_DEPTH = 32;

/** Whether objects and arrays nest deeper than `limit` in `text`, counted without recursion, strings skipped. */
function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (inString) {
      if (char === "\\") index += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
    } else if (char === "{" || char === "[") {
      depth += 1;
      if (depth > limit) return true;
    } else if (char === "}" || char === "]") {
      depth -= 1;
    }
  }
  return false;
}

export function checkClaims(text: string): ClaimsCheck {
  if (nestsDeeperThan(text, MAX_CLAIMS_DEPTH)) {
    const message = `The claims nest deeper than ${MAX_CLAIMS_DEPTH} levels of objects and arrays.`;
    return { findings: [{ level: "error", message }] };
  }
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  const [firstError] = errors;
  if (firstError) return { findings: [jsonErrorFinding(text, firstError)] };
  if (tree?.type !== "object") {
    return { findings: [{ level: "error", message: "The claims must be one JSON object, such as {}." }] };
  }
  const findings: Finding[] = [];
  for (const property of tree.children ?? []) {
    const [key, value] = property.children ?? [];
    const claim = String(key?.value);
    if ((CLERK_DEFAULT_CLAIMS as readonly string[]).includes(claim)) {
      findings.push({
        level: "warning",
        claim,
        message: `Clerk always sets "${claim}"; the template's value is ignored.`,
      });
    }
    if (value) checkValue(text, value, claim, findings);
  }
  return { claims: JSON.parse(text) as Record<string, unknown>, findings };
}
