// The instance's organization roles: Clerk's two default roles, with the system permissions Clerk's
// "Roles and permissions" guide gives them, and one custom feature (`tokens`) so that tokens carry
// custom permissions as Clerk's do (system permissions never reach a token; the guide says so).

/** Clerk's system permissions: the `org:sys_` ones. */
const ALL_SYSTEM_PERMISSIONS = [
  "org:sys_profile:manage",
  "org:sys_profile:delete",
  "org:sys_memberships:read",
  "org:sys_memberships:manage",
  "org:sys_domains:read",
  "org:sys_domains:manage",
  "org:sys_billing:read",
  "org:sys_billing:manage",
  "org:sys_entconns:manage",
];

export interface OrganizationRole {
  /** What the Backend API calls `role_name`. */
  name: string;
  /** `org:<feature>:<permission>`, system ones included, as memberships list them. */
  permissions: string[];
}

export const ORGANIZATION_ROLES: Readonly<Record<string, OrganizationRole>> = {
  "org:admin": {
    name: "Admin",
    permissions: [...ALL_SYSTEM_PERMISSIONS, "org:tokens:read", "org:tokens:manage"],
  },
  "org:member": {
    name: "Member",
    permissions: ["org:sys_memberships:read", "org:sys_billing:read", "org:tokens:read"],
  },
};

export const ROLE_KEYS = Object.keys(ORGANIZATION_ROLES);

export function isRoleKey(role: string): boolean {
  return Object.hasOwn(ORGANIZATION_ROLES, role);
}

export function roleOf(key: string): OrganizationRole {
  const role = ORGANIZATION_ROLES[key];
  if (!role) throw new Error(`No organization role has the key ${key}`);
  return role;
}

/** A role's custom permissions, the only ones tokens carry: `org:tokens:read`, never `org:sys_…`. */
export function customPermissionsOf(roleKey: string): string[] {
  return roleOf(roleKey).permissions.filter((permission) => !permission.startsWith("org:sys_"));
}
