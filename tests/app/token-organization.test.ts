import { describe, expect, it } from "vitest";
import { formatTokenOrganization, parseTokenOrganization, tokenOrganizationOf } from "~/explorer/token-organization";

describe("the Token-Organization header", () => {
  it("says personal without an active organization, and id, slug and role with one", () => {
    expect(formatTokenOrganization(tokenOrganizationOf({ orgId: undefined }))).toBe("personal");
    const acme = tokenOrganizationOf({ orgId: "org_2abc", orgSlug: "acme", orgRole: "org:admin" });
    expect(formatTokenOrganization(acme)).toBe("org_2abc; slug=acme; role=org:admin");
    expect(parseTokenOrganization("personal")).toBeNull();
    expect(parseTokenOrganization("org_2abc; slug=acme; role=org:admin")).toEqual(acme);
    expect(parseTokenOrganization("org_2abc")).toEqual({ id: "org_2abc", slug: null, role: null });
  });

  it("keeps any value in one header line and reads it back unchanged", () => {
    const hostile = { id: "org_x\r\nSet-Cookie: a=b", slug: "a; role=org:admin", role: "rôle=é%" };
    const header = formatTokenOrganization(hostile);
    expect(header).toMatch(/^[\x21-\x7e ]+$/);
    expect(() => new Headers({ "Token-Organization": header })).not.toThrow();
    expect(parseTokenOrganization(header)).toEqual(hostile);
  });

  it("reads nothing from an absent or foreign value", () => {
    expect(parseTokenOrganization(null)).toBeUndefined();
    expect(parseTokenOrganization("")).toBeUndefined();
    expect(parseTokenOrganization("org_x; slug=%E0%A4%A")).toBeUndefined();
  });
});
