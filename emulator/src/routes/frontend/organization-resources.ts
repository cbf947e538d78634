import { membershipWithUser } from "../../organization-resources";
import type { EmulatorStore } from "../../store";
import type { ActiveMembership } from "../../store/organizations";

// Frontend API organization objects (fapi-2025-11-10.yml `Client.OrganizationMembership`, whose
// organization is a `Client.Organization`): the Backend API's, less what only a backend may see.

export type ClientMembershipJSON = ReturnType<typeof clientMembershipJSON>;

export function clientMembershipJSON(store: EmulatorStore, active: ActiveMembership) {
  const { private_metadata: _membershipPrivate, organization, ...membership } = membershipWithUser(store, active);
  const { private_metadata: _organizationPrivate, created_by: _creator, ...shared } = organization;
  return {
    ...membership,
    organization: {
      ...shared,
      members_count: store.organizations.membersOf(active.organization.id).length,
      pending_invitations_count: 0,
    },
  };
}

/** The user's memberships, newest first, as `Client.User.organization_memberships` lists them. */
export function clientMembershipsOf(store: EmulatorStore, userId: string): ClientMembershipJSON[] {
  return store.organizations.membershipsOf(userId).map((active) => clientMembershipJSON(store, active));
}
