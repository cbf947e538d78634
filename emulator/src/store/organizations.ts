import { newId, type JsonObject } from "./json";
import { isRoleKey } from "./organization-roles";

// Organizations and their memberships, with the Backend API's field names.

export interface OrganizationRecord {
  id: string;
  name: string;
  slug: string;
  image_url: string;
  public_metadata: JsonObject;
  private_metadata: JsonObject;
  max_allowed_memberships: number;
  admin_delete_enabled: boolean;
  /** The user who created it, who became its first admin; null when made without one. */
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

export interface MembershipRecord {
  id: string;
  organization_id: string;
  user_id: string;
  /** A role key, e.g. `org:admin` (organization-roles.ts). */
  role: string;
  public_metadata: JsonObject;
  private_metadata: JsonObject;
  created_at: number;
  updated_at: number;
}

/** A user's membership of one organization: what a token minted for that organization carries. */
export interface ActiveMembership {
  organization: OrganizationRecord;
  membership: MembershipRecord;
}

/** What `PATCH /v1/organizations/{id}` may change. */
export type OrganizationChanges = Partial<
  Pick<
    OrganizationRecord,
    "name" | "slug" | "public_metadata" | "private_metadata" | "max_allowed_memberships" | "admin_delete_enabled"
  >
>;

export type NewOrganization = Pick<OrganizationRecord, "name" | "slug"> &
  Partial<Omit<OrganizationRecord, "name" | "slug" | "updated_at">>;

export class OrganizationConflictError extends Error {}

/** Clerk's instance default, which an organization may override. */
const DEFAULT_MAX_ALLOWED_MEMBERSHIPS = 5;

export class OrganizationStore {
  private readonly organizations = new Map<string, OrganizationRecord>();
  private readonly memberships = new Map<string, MembershipRecord>();

  /** @throws OrganizationConflictError when the slug is taken: slugs name organizations too. */
  create(fields: NewOrganization): OrganizationRecord {
    if (this.get(fields.slug)) throw new OrganizationConflictError(`The slug ${fields.slug} is taken.`);
    const createdAt = fields.created_at ?? Date.now();
    const organization: OrganizationRecord = {
      id: fields.id ?? newId("org"),
      name: fields.name,
      slug: fields.slug,
      image_url: fields.image_url ?? "",
      public_metadata: fields.public_metadata ?? {},
      private_metadata: fields.private_metadata ?? {},
      max_allowed_memberships: fields.max_allowed_memberships ?? DEFAULT_MAX_ALLOWED_MEMBERSHIPS,
      admin_delete_enabled: fields.admin_delete_enabled ?? true,
      created_by: fields.created_by ?? null,
      created_at: createdAt,
      updated_at: createdAt,
    };
    this.organizations.set(organization.id, organization);
    return organization;
  }

  /** @throws OrganizationConflictError when the new slug names another organization. */
  update(organization: OrganizationRecord, changes: OrganizationChanges): OrganizationRecord {
    const holder = changes.slug === undefined ? undefined : this.get(changes.slug);
    if (holder && holder !== organization) throw new OrganizationConflictError(`The slug ${changes.slug} is taken.`);
    return Object.assign(organization, changes, { updated_at: Date.now() });
  }

  /** Deletes it and every membership of it, as Clerk does. */
  remove(organization: OrganizationRecord): void {
    for (const membership of this.membersOf(organization.id)) this.memberships.delete(membership.id);
    this.organizations.delete(organization.id);
  }

  /** Every organization and membership, in the order they were made (a saved state; store/persistence.ts). */
  snapshot(): { organizations: OrganizationRecord[]; memberships: MembershipRecord[] } {
    return { organizations: [...this.organizations.values()], memberships: [...this.memberships.values()] };
  }

  /** Replaces every organization and membership with these, in this order (a saved state). */
  restore(organizations: OrganizationRecord[], memberships: MembershipRecord[]): void {
    this.organizations.clear();
    this.memberships.clear();
    for (const organization of organizations) this.organizations.set(organization.id, organization);
    for (const membership of memberships) this.memberships.set(membership.id, membership);
  }

  /** By id, or by slug (the Backend API takes either). */
  get(idOrSlug: string): OrganizationRecord | undefined {
    return this.organizations.get(idOrSlug) ?? this.list().find((organization) => organization.slug === idOrSlug);
  }

  /** Newest first, as the Backend API lists them by default. */
  list(): OrganizationRecord[] {
    return [...this.organizations.values()].sort((a, b) => b.created_at - a.created_at);
  }

  /**
   * Makes the user a member with this role.
   * @throws OrganizationConflictError when they already are one, or the organization is full.
   */
  addMember(
    organization: OrganizationRecord,
    userId: string,
    role: string,
    fields: Partial<Pick<MembershipRecord, "public_metadata" | "private_metadata" | "created_at">> = {},
  ): MembershipRecord {
    if (!isRoleKey(role)) throw new Error(`No organization role has the key ${role}`);
    if (this.membership(organization.id, userId)) {
      throw new OrganizationConflictError(`${userId} is already a member of ${organization.id}.`);
    }
    if (this.membersOf(organization.id).length >= organization.max_allowed_memberships) {
      throw new OrganizationConflictError(`${organization.id} has its maximum number of members.`);
    }
    const createdAt = fields.created_at ?? Date.now();
    const membership: MembershipRecord = {
      id: newId("orgmem"),
      organization_id: organization.id,
      user_id: userId,
      role,
      public_metadata: fields.public_metadata ?? {},
      private_metadata: fields.private_metadata ?? {},
      created_at: createdAt,
      updated_at: createdAt,
    };
    this.memberships.set(membership.id, membership);
    return membership;
  }

  membership(organizationId: string, userId: string): MembershipRecord | undefined {
    return this.membersOf(organizationId).find((membership) => membership.user_id === userId);
  }

  /** Oldest first. */
  membersOf(organizationId: string): MembershipRecord[] {
    return [...this.memberships.values()].filter((membership) => membership.organization_id === organizationId);
  }

  /** The user's memberships, newest first, each with its organization. */
  membershipsOf(userId: string): ActiveMembership[] {
    return [...this.memberships.values()]
      .filter((membership) => membership.user_id === userId)
      .reverse()
      .map((membership) => ({ membership, organization: this.organizations.get(membership.organization_id)! }));
  }

  updateRole(membership: MembershipRecord, role: string): MembershipRecord {
    if (!isRoleKey(role)) throw new Error(`No organization role has the key ${role}`);
    return Object.assign(membership, { role, updated_at: Date.now() });
  }

  removeMember(membership: MembershipRecord): void {
    this.memberships.delete(membership.id);
  }

  /**
   * What a token for this user and organization carries: null for the personal account, the
   * membership, or undefined when the user is not (or no longer) a member of that organization.
   */
  activeMembership(userId: string, organizationIdOrSlug: string | null): ActiveMembership | null | undefined {
    if (organizationIdOrSlug === null) return null;
    const organization = this.get(organizationIdOrSlug);
    const membership = organization && this.membership(organization.id, userId);
    return organization && membership ? { organization, membership } : undefined;
  }
}
