import type { JsonObject } from "../store/json";
import { customPermissionsOf } from "../store/organization-roles";
import type { ActiveMembership } from "../store/organizations";

/**
 * Session token v2's organization claims, present only while an organization is active (Clerk's
 * "Session tokens" guide): `o` = {id, slg, rol, per, fpm} and the organization's features in `fea`.
 * `rol` drops the `org:` prefix, which @clerk/shared's JWT payload parser adds back. Custom
 * permissions only: system ones (`org:sys_…`) never reach a token.
 *
 * `per` lists the permission names, `fea` the features (`o:<feature>`), and `fpm` one bitmask per
 * feature whose bit i (least significant first) says whether that feature has the i-th name of `per`.
 */
export function sessionTokenOrganizationClaims({ organization, membership }: ActiveMembership) {
  const granted = customPermissionsOf(membership.role).map((key) => {
    const [, feature = "", name = ""] = key.split(":");
    return { feature, name };
  });
  const features = [...new Set(granted.map((permission) => permission.feature))].sort();
  const names = [...new Set(granted.map((permission) => permission.name))].sort();
  const masks = features.map((feature) =>
    names.reduce(
      (mask, name, bit) =>
        granted.some((permission) => permission.feature === feature && permission.name === name)
          ? mask | (1 << bit)
          : mask,
      0,
    ),
  );
  const o = {
    id: organization.id,
    slg: organization.slug,
    rol: membership.role.replace(/^org:/, ""),
    ...(names.length > 0 && { per: names.join(","), fpm: masks.join(",") }),
  };
  return { o, ...(features.length > 0 && { fea: features.map((feature) => `o:${feature}`).join(",") }) };
}

/**
 * What the `org.*` and `org_membership.*` shortcodes of a JWT template name, for the organization
 * the token is minted for. With none active both are null, so every one of them renders null.
 */
export function organizationShortcodeValues(active: ActiveMembership | null): JsonObject {
  if (!active) return { org: null, org_membership: null };
  const { organization, membership } = active;
  return {
    org: {
      id: organization.id,
      name: organization.name,
      slug: organization.slug,
      // The role key, as the Backend API and session token v1's `org_role` give it.
      role: membership.role,
      image_url: organization.image_url,
      public_metadata: organization.public_metadata,
    },
    org_membership: {
      public_metadata: membership.public_metadata,
      permissions: customPermissionsOf(membership.role),
    },
  };
}
