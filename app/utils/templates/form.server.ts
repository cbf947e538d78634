import { TEMPLATE_NAME_PATTERN } from "~/utils/config/env.server";
import { checkClaims, type Finding } from "~/templates/claims-check";
import type { TemplateFields } from "~/utils/templates/catalog.server";
import { CLOCK_SKEW_BOUNDS, LIFETIME_BOUNDS, TEMPLATE_NAME_RULE } from "~/templates/summary";

function wholeSeconds(value: FormDataEntryValue | null, label: string, { min, max }: { min: number; max: number }) {
  const seconds = typeof value === "string" && /^\d{1,10}$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (seconds >= min && seconds <= max) return { seconds };
  return { finding: { level: "error", message: `${label} must be a whole number of seconds from ${min} to ${max}.` } };
}

/**
 * The studio's form as the fields Clerk takes, or what is wrong with it: the
 * same checks the page makes as you type, made again here because a post can
 * come from anywhere.
 */
export function parseTemplateForm(form: FormData): { fields: TemplateFields } | { findings: Finding[] } {
  const findings: Finding[] = [];
  const name = String(form.get("name") ?? "").trim();
  if (!TEMPLATE_NAME_PATTERN.test(name)) {
    findings.push({ level: "error", message: TEMPLATE_NAME_RULE });
  }
  const checked = checkClaims(String(form.get("claims") ?? ""));
  findings.push(...checked.findings.filter((finding) => finding.level === "error"));
  const lifetime = wholeSeconds(form.get("lifetime"), "The lifetime", LIFETIME_BOUNDS);
  const skew = wholeSeconds(form.get("allowedClockSkew"), "The allowed clock skew", CLOCK_SKEW_BOUNDS);
  for (const parsed of [lifetime, skew]) if (parsed.finding) findings.push(parsed.finding as Finding);
  if (findings.length > 0 || !checked.claims || lifetime.seconds === undefined || skew.seconds === undefined) {
    return { findings };
  }
  return { fields: { name, claims: checked.claims, lifetime: lifetime.seconds, allowedClockSkew: skew.seconds } };
}
