import type { EmulatorStore } from "./store";
import { roleOf } from "./store/organization-roles";
import type { ActiveMembership, OrganizationRecord } from "./store/organizations";
import type { UserRecord } from "./store/users";

// Backend API organization objects (bapi-2025-11-10.yml `Organization`, `OrganizationMembership`),
// fields picked one by one as in resources.ts.

export function organizationResource(organization: OrganizationRecord, membersCount?: number) {
  return {
    object: "organization",
    id: organization.id,
    name: organization.name,
    slug: organization.slug,
    image_url: organization.image_url,
    has_image: organization.image_url !== "",
    ...(membersCount !== undefined && { members_count: membersCount }),
    max_allowed_memberships: organization.max_allowed_memberships,
    admin_delete_enabled: organization.admin_delete_enabled,
    public_metadata: organization.public_metadata,
    private_metadata: organization.private_metadata,
    ...(organization.created_by !== null && { created_by: organization.created_by }),
    created_at: organization.created_at,
    updated_at: organization.updated_at,
  };
}

/** `OrganizationMembershipPublicUserData`: who the member is, as any member may see it. */
function publicUserData(user: UserRecord) {
  const primaryEmail = user.email_addresses.find((email) => email.id === user.primary_email_address_id);
  return {
    user_id: user.id,
    first_name: user.first_name,
    last_name: user.last_name,
    profile_image_url: user.image_url,
    image_url: user.image_url,
    has_image: user.image_url !== "",
    identifier: primaryEmail?.email_address ?? null,
    username: user.username,
  };
}

export function membershipResource({ organization, membership }: ActiveMembership, user: UserRecord) {
  const role = roleOf(membership.role);
  return {
    object: "organization_membership",
    id: membership.id,
    role: membership.role,
    role_name: role.name,
    permissions: role.permissions,
    public_metadata: membership.public_metadata,
    private_metadata: membership.private_metadata,
    organization: organizationResource(organization),
    public_user_data: publicUserData(user),
    created_at: membership.created_at,
    updated_at: membership.updated_at,
  };
}

/** A membership with its member: users are never deleted, so a membership's user always exists. */
export function membershipWithUser(store: EmulatorStore, active: ActiveMembership) {
  const user = store.users.get(active.membership.user_id);
  if (!user) throw new Error(`No user exists with id: ${active.membership.user_id}`);
  return membershipResource(active, user);
}
