import { describe, expect, it } from "vitest";
import { checkClaims, parseShortcode } from "~/templates/claims-check";

const messages = (text: string) => checkClaims(text).findings.map((finding) => `${finding.level}: ${finding.message}`);

describe("checkClaims", () => {
  it("accepts documented shortcodes, fallbacks and literals with nothing to say", () => {
    const text = JSON.stringify({
      email: "{{user.primary_email_address}}",
      greeting: "Hi {{user.first_name || 'there'}}, since {{user.created_at}}",
      role: "{{ user.public_metadata.role || user.unsafe_metadata.role || 'member' }}",
      nested: { list: ["{{user.id}}", 3, true, null] },
      flag: "{{user.email_verified || false}}",
    });
    expect(checkClaims(text)).toEqual({ claims: JSON.parse(text), findings: [] });
  });

  it("says where the JSON breaks, by line and column", () => {
    expect(messages('{\n  "a": 1\n  "b": 2\n}')).toEqual([
      "error: The claims are not valid JSON: comma expected at line 3, column 3.",
    ]);
    expect(messages('{"a": 1,}')).toEqual([
      "error: The claims are not valid JSON: property name expected at line 1, column 9.",
    ]);
    expect(messages("[]")).toEqual(["error: The claims must be one JSON object, such as {}."]);
  });

  it("refuses claims nested deeper than 32 levels before parsing them, instead of overflowing the stack", () => {
    const deep = (levels: number) => `{"a": ${"[".repeat(levels - 1)}${"]".repeat(levels - 1)}}`;
    // 6000 arrays deep is 36 KB: under the form's 64 KB, and far past what a recursive parser survives.
    expect(deep(6000).length).toBeLessThan(64 * 1024);
    expect(messages(deep(6000))).toEqual(["error: The claims nest deeper than 32 levels of objects and arrays."]);
    expect(messages(deep(33))).toEqual(["error: The claims nest deeper than 32 levels of objects and arrays."]);
    expect(messages(deep(32))).toEqual([]);
    // Brackets inside strings, escaped quotes included, are text, not nesting.
    expect(messages(JSON.stringify({ a: `\\"${"[".repeat(100)}` }))).toEqual([]);
  });

  it("says where a shortcode is malformed, inside nested values too", () => {
    expect(messages('{"a": {"b": ["{{ user.id | user.first_name }}"]}}')).toEqual([
      "error: Shortcode {{ user.id | user.first_name }} is malformed at line 1, column 26.",
    ]);
    expect(messages('{\n"a": "x {{user.id"\n}')).toEqual([
      "error: A shortcode opened at line 2, column 9 is never closed with }}.",
    ]);
    expect(checkClaims('{"a": "{{user.id ||}}"}').findings[0]).toMatchObject({ level: "error", claim: "a" });
  });

  it("flags claims Clerk always sets as ignored", () => {
    const text = JSON.stringify(
      Object.fromEntries(["azp", "exp", "iat", "iss", "jti", "nbf", "sub", "aud"].map((c) => [c, 1])),
    );
    expect(checkClaims(text).findings.map((finding) => finding.claim)).toEqual([
      "azp",
      "exp",
      "iat",
      "iss",
      "jti",
      "nbf",
      "sub",
    ]);
    expect(messages('{"sub": "x"}')).toEqual([`warning: Clerk always sets "sub"; the template's value is ignored.`]);
  });

  it("flags shortcodes Clerk does not document as unknown, private metadata included", () => {
    expect(messages('{"a": "{{user.private_metadata}} {{org.private_metadata || user.id}}"}')).toEqual([
      "warning: {{user.private_metadata}} is not a shortcode Clerk documents; Clerk may render it as null.",
      "warning: {{org.private_metadata}} is not a shortcode Clerk documents; Clerk may render it as null.",
    ]);
  });

  it("accepts the organization shortcodes Clerk documents, and flags the ones it does not", () => {
    const documented = JSON.stringify({
      org: ["{{org.id}}", "{{org.slug}}", "{{org.role}}", "{{org.name}}", "{{org.public_metadata.plan.tier}}"],
      membership: "{{org_membership.permissions}} {{org_membership.public_metadata || org.public_metadata}}",
      fallback: "{{org.slug || 'personal'}}",
    });
    expect(checkClaims(documented).findings).toEqual([]);
    expect(messages('{"a": "{{org.image_url}}", "b": "{{organization.id}}", "c": "{{org_membership.role}}"}')).toEqual(
      ["{{org.image_url}}", "{{organization.id}}", "{{org_membership.role}}"].map(
        (shortcode) => `warning: ${shortcode} is not a shortcode Clerk documents; Clerk may render it as null.`,
      ),
    );
  });
});

describe("parseShortcode", () => {
  it.each([
    ["user.id", { paths: ["user.id"] }],
    [" user.public_metadata.a-b || 'x' || 2 || true ", { paths: ["user.public_metadata.a-b"] }],
    ["", { errorAt: 0 }],
    ["user.id |", { errorAt: 8 }],
    ["'open", { errorAt: 0 }],
    ["user.id || ", { errorAt: 10 }],
  ])("parses %j", (expression, expected) => {
    expect(parseShortcode(expression)).toEqual(expected);
  });
});
