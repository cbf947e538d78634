import { describe, expect, it } from "vitest";
import { mintTemplateToken, renderClaims } from "../src/tokens/jwt-template";
import { acmeMembership, NOW, sessionRecord, templateRecord, testIssuer, userRecord } from "./support/fixtures";
import { claimsOf } from "./support/frontend-api";

// The organization shortcodes of Clerk's JWT template guide (clerk-docs
// docs/backend-requests/making/jwt-templates.mdx, its shortcode table until April 2024):
// org.id, org.role, org.name, org.slug, org.public_metadata, org_membership.public_metadata and
// org_membership.permissions, "for the current session's active organization"; metadata is
// reached with dots, "the same syntax ... for organization and organization membership metadata".
// org.image_url is the organization's image. With no active organization nothing is there to
// name, and what is missing renders null (the guide's `"invalid_shortcode": null`).

const john = userRecord();
const admin = acmeMembership();
const member = acmeMembership({ role: "org:member", public_metadata: {} });

const EVERY_ORG_SHORTCODE = {
  id: "{{org.id}}",
  slug: "{{org.slug}}",
  role: "{{org.role}}",
  name: "{{org.name}}",
  image: "{{org.image_url}}",
  metadata: "{{org.public_metadata}}",
  plan: "{{org.public_metadata.plan}}",
  membershipMetadata: "{{org_membership.public_metadata}}",
  team: "{{org_membership.public_metadata.team}}",
  permissions: "{{org_membership.permissions}}",
};

describe("renderClaims with an active organization", () => {
  it("renders every organization shortcode, keeping each value's type", () => {
    expect(renderClaims(EVERY_ORG_SHORTCODE, john, admin)).toEqual({
      id: "org_acme",
      slug: "acme",
      role: "org:admin",
      name: "Acme",
      image: "https://images.example/acme.png",
      metadata: { plan: "enterprise", limits: { seats: 25 }, regions: ["eu", "us"] },
      plan: "enterprise",
      membershipMetadata: { team: "platform", seat: 7 },
      team: "platform",
      permissions: ["org:tokens:read", "org:tokens:manage"],
    });
  });

  it("gives the member's own role and permissions, never Clerk's system permissions", () => {
    const rendered = renderClaims(
      { role: "{{org.role}}", permissions: "{{org_membership.permissions}}" },
      john,
      member,
    );
    expect(rendered).toEqual({ role: "org:member", permissions: ["org:tokens:read"] });
    expect(JSON.stringify(renderClaims(EVERY_ORG_SHORTCODE, john, admin))).not.toContain("org:sys_");
  });

  it("reaches nested organization and membership metadata with dots, through arrays, else null", () => {
    expect(
      renderClaims(
        {
          seats: "{{org.public_metadata.limits.seats}}",
          region: "{{org.public_metadata.regions.1}}",
          seat: "{{org_membership.public_metadata.seat}}",
          pastScalar: "{{org.public_metadata.plan.tier}}",
          missing: "{{org.public_metadata.nope}}",
          missingMembership: "{{org_membership.public_metadata.nope.deeper}}",
        },
        john,
        admin,
      ),
    ).toEqual({ seats: 25, region: "us", seat: 7, pastScalar: null, missing: null, missingMembership: null });
  });

  it("never reaches private metadata or anything the guide does not name", () => {
    expect(
      renderClaims(
        {
          orgPrivate: "{{org.private_metadata}}",
          orgPrivatePath: "{{org.private_metadata.billing}}",
          membershipPrivate: "{{org_membership.private_metadata}}",
          unknown: "{{org.max_allowed_memberships}}",
          membershipRole: "{{org_membership.role}}",
          longName: "{{organization.id}}",
        },
        john,
        admin,
      ),
    ).toEqual({
      orgPrivate: null,
      orgPrivatePath: null,
      membershipPrivate: null,
      unknown: null,
      membershipRole: null,
      longName: null,
    });
  });

  it("interpolates organization values into strings and mixes them with user shortcodes", () => {
    expect(
      renderClaims(
        {
          tenant: "{{org.slug}}:{{user.id}}",
          seats: "seats={{org.public_metadata.limits.seats}}",
          regions: "regions {{org.public_metadata.regions}}",
          permissions: "{{org_membership.permissions}} ",
          nested: { list: ["{{org.id}}", { role: "{{org.role}}" }] },
        },
        john,
        admin,
      ),
    ).toEqual({
      tenant: "acme:user_john",
      seats: "seats=25",
      regions: 'regions ["eu","us"]',
      permissions: '["org:tokens:read","org:tokens:manage"]',
      nested: { list: ["org_acme", { role: "org:admin" }] },
    });
  });

  it("takes organization values first in || and falls back past missing ones", () => {
    expect(
      renderClaims(
        {
          slug: "{{org.slug || 'personal'}}",
          fallsBack: "{{org.public_metadata.tier || user.public_metadata.role || 'none'}}",
        },
        john,
        admin,
      ),
    ).toEqual({ slug: "acme", fallsBack: "admin" });
  });
});

describe("renderClaims with no active organization (the personal account)", () => {
  it("renders every organization shortcode as null, whether passed null or nothing", () => {
    const allNull = Object.fromEntries(Object.keys(EVERY_ORG_SHORTCODE).map((claim) => [claim, null]));
    expect(renderClaims(EVERY_ORG_SHORTCODE, john, null)).toEqual(allNull);
    expect(renderClaims(EVERY_ORG_SHORTCODE, john)).toEqual(allNull);
  });

  it("prints null inside strings and lets || fall back to a literal or a user value", () => {
    expect(
      renderClaims(
        {
          tenant: "{{org.slug}}:{{user.id}}",
          slug: "{{org.slug || 'personal'}}",
          plan: "{{org.public_metadata.plan || user.public_metadata.role}}",
          lastAsItIs: "{{org.role || org.id}}",
          isFalse: "{{org.id || false}}",
          trailing: "{{user.first_name}} {{org.name}}",
        },
        john,
        null,
      ),
    ).toEqual({
      tenant: "null:user_john",
      slug: "personal",
      plan: "admin",
      lastAsItIs: null,
      isFalse: false,
      trailing: "John null",
    });
  });

  it("leaves user shortcodes as they are", () => {
    const userOnly = { id: "{{user.id}}", email: "{{user.primary_email_address}}" };
    expect(renderClaims(userOnly, john, null)).toEqual(renderClaims(userOnly, john, admin));
  });
});

describe("mintTemplateToken for an organization", () => {
  it("renders the organization's claims and nothing of the session's `o` claim", async () => {
    const { issuer } = await testIssuer();
    const template = templateRecord({ claims: { org_id: "{{org.id}}", org_role: "{{org.role}}", o: "static" } });
    const session = sessionRecord({ last_active_organization_id: "org_acme" });
    const forAcme = claimsOf(
      await mintTemplateToken({ issuer, template, session, user: john, organization: admin, now: NOW }),
    );
    expect(forAcme).toMatchObject({ org_id: "org_acme", org_role: "org:admin", o: "static", sub: "user_john" });
    expect(forAcme).not.toHaveProperty("fea");

    const personal = claimsOf(
      await mintTemplateToken({ issuer, template, session, user: john, organization: null, now: NOW }),
    );
    expect(personal).toMatchObject({ org_id: null, org_role: null, o: "static" });
  });
});
