import { Hono, type Context } from "hono";
import { z } from "zod";
import type { EmulatorContext } from "../../context";
import { formError, invalidParam, jsonResponse, notFoundResponse } from "../../http";
import { membershipWithUser, organizationResource } from "../../organization-resources";
import { ROLE_KEYS } from "../../store/organization-roles";
import {
  OrganizationConflictError,
  type OrganizationChanges,
  type OrganizationRecord,
} from "../../store/organizations";
import { boundedInteger, jsonObject, pageQuery, parseJsonBody, parseParams } from "../../validation";

// Backend API organizations: create, list, get, change and delete them; list, add, change and remove
// members. Changes announce themselves with Clerk's organization.* and organizationMembership.* webhooks.

/** A query parameter that may repeat (`?user_id=a&user_id=b`). */
const repeated = z.array(z.string()).default([]);

const listQuerySchema = z.object({
  ...pageQuery,
  query: z.string().optional(),
  user_id: repeated,
  include_members_count: z.enum(["true", "false"]).optional(),
});

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const slugSchema = z.string().regex(SLUG, { error: "must be lowercase letters, digits and single dashes" });

const createSchema = z.object({
  name: z.string({ error: "must be a string" }).trim().min(1).max(256),
  slug: slugSchema.nullish(),
  created_by: z.string().nullish(),
  public_metadata: jsonObject.nullish(),
  private_metadata: jsonObject.nullish(),
  max_allowed_memberships: boundedInteger(0, 100_000).nullish(),
});

// bapi-2025-11-10.yml UpdateOrganization (additionalProperties: false); null or absent leaves a field as it is.
// Its created_at and role_set_key are not emulated, so they are refused by name rather than ignored.
const updateSchema = z.strictObject({
  name: createSchema.shape.name.nullish(),
  slug: slugSchema.nullish(),
  public_metadata: jsonObject.nullish(),
  private_metadata: jsonObject.nullish(),
  max_allowed_memberships: boundedInteger(0, 100_000).nullish(),
  admin_delete_enabled: z.boolean().nullish(),
});

const roleSchema = z.enum(ROLE_KEYS, { error: `must be one of ${ROLE_KEYS.join(", ")}` });
const membershipSchema = z.object({ user_id: z.string().min(1), role: roleSchema });

/** The fields a PATCH body sets, without those it leaves as they are (null or absent). */
function changesOf(body: z.infer<typeof updateSchema>): OrganizationChanges {
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== null && value !== undefined));
}

const slugTaken = () => formError("form_identifier_exists", "slug", "That slug is taken. Please try another.");

function organizationNotFound(idOrSlug: string): Response {
  return notFoundResponse(`No organization exists with id or slug: ${idOrSlug}`);
}

/** A slug from the name, as Clerk makes one when none is given: `Acme Inc.` → `acme-inc`. */
function slugFrom(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return slug === "" ? "organization" : slug;
}

export function organizationRoutes(context: EmulatorContext): Hono {
  const { store, webhooks } = context;
  const organizations = store.organizations;

  function organizationOf(c: Context): OrganizationRecord | Response {
    const idOrSlug = c.req.param("id") ?? "";
    return organizations.get(idOrSlug) ?? organizationNotFound(idOrSlug);
  }

  function membershipOf(c: Context) {
    const organization = organizationOf(c);
    if (organization instanceof Response) return organization;
    const userId = c.req.param("user_id") ?? "";
    const membership = organizations.membership(organization.id, userId);
    return membership
      ? { organization, membership }
      : notFoundResponse(`${userId} is not a member of organization ${organization.id}`);
  }

  return new Hono()
    .get("/", (c) => {
      const query = parseParams({ ...c.req.query(), user_id: c.req.queries("user_id") }, listQuerySchema);
      if (!query.ok) return query.response;
      const { limit, offset, query: text, user_id: userIds, include_members_count } = query.data;
      const matches = organizations.list().filter((organization) => {
        const byText =
          text === undefined ||
          organization.id === text ||
          [organization.name, organization.slug].some((value) => value.toLowerCase().includes(text.toLowerCase()));
        const byMember =
          userIds.length === 0 || userIds.some((userId) => organizations.membership(organization.id, userId));
        return byText && byMember;
      });
      const counted = include_members_count === "true";
      const data = matches
        .slice(offset, offset + limit)
        .map((organization) =>
          organizationResource(organization, counted ? organizations.membersOf(organization.id).length : undefined),
        );
      return jsonResponse({ data, total_count: matches.length });
    })
    .post("/", async (c) => {
      const body = await parseJsonBody(c.req.raw, createSchema);
      if (!body.ok) return body.response;
      const { name, slug, created_by, public_metadata, private_metadata, max_allowed_memberships } = body.data;
      if (created_by && !store.users.get(created_by)) {
        return invalidParam("created_by", `No user exists with id: ${created_by}`);
      }
      let organization: OrganizationRecord;
      try {
        organization = organizations.create({
          name,
          slug: slug ?? slugFrom(name),
          created_by: created_by ?? null,
          public_metadata: public_metadata ?? undefined,
          private_metadata: private_metadata ?? undefined,
          max_allowed_memberships: max_allowed_memberships ?? undefined,
        });
      } catch (error) {
        if (!(error instanceof OrganizationConflictError)) throw error;
        return slugTaken();
      }
      // The creator is its first member, with the creator role (Clerk's default: org:admin).
      if (created_by) organizations.addMember(organization, created_by, "org:admin");
      return jsonResponse(organizationResource(organization));
    })
    .get("/:id", (c) => {
      const organization = organizationOf(c);
      if (organization instanceof Response) return organization;
      const counted = c.req.query("include_members_count") === "true";
      return jsonResponse(
        organizationResource(organization, counted ? organizations.membersOf(organization.id).length : undefined),
      );
    })
    .patch("/:id", async (c) => {
      // Renamed or its metadata changed: what {{org.slug}}, {{org.name}} and {{org.public_metadata}} render.
      const organization = organizationOf(c);
      if (organization instanceof Response) return organization;
      const body = await parseJsonBody(c.req.raw, updateSchema);
      if (!body.ok) return body.response;
      try {
        organizations.update(organization, changesOf(body.data));
      } catch (error) {
        if (!(error instanceof OrganizationConflictError)) throw error;
        return slugTaken();
      }
      const resource = organizationResource(organization);
      webhooks.organizationEvent("organization.updated", resource);
      return jsonResponse(resource);
    })
    .delete("/:id", (c) => {
      // Its memberships go with it, and sessions that had it active are back on the personal account.
      const organization = organizationOf(c);
      if (organization instanceof Response) return organization;
      organizations.remove(organization);
      store.sessions.clearOrganization(organization.id);
      const deleted = { object: "organization", id: organization.id, slug: organization.slug, deleted: true };
      webhooks.organizationEvent("organization.deleted", deleted);
      return jsonResponse(deleted);
    })
    .get("/:id/memberships", (c) => {
      const organization = organizationOf(c);
      if (organization instanceof Response) return organization;
      const params = { ...c.req.query(), user_id: c.req.queries("user_id"), role: c.req.queries("role") };
      const query = parseParams(params, z.object({ ...pageQuery, user_id: repeated, role: repeated }));
      if (!query.ok) return query.response;
      const { limit, offset, user_id: userIds, role: roles } = query.data;
      const matches = organizations
        .membersOf(organization.id)
        .filter((membership) => userIds.length === 0 || userIds.includes(membership.user_id))
        .filter((membership) => roles.length === 0 || roles.includes(membership.role));
      const data = matches
        .slice(offset, offset + limit)
        .map((membership) => membershipWithUser(store, { organization, membership }));
      return jsonResponse({ data, total_count: matches.length });
    })
    .post("/:id/memberships", async (c) => {
      const organization = organizationOf(c);
      if (organization instanceof Response) return organization;
      const body = await parseJsonBody(c.req.raw, membershipSchema);
      if (!body.ok) return body.response;
      const { user_id: userId, role } = body.data;
      if (!store.users.get(userId)) return notFoundResponse(`No user exists with id: ${userId}`);
      try {
        const membership = organizations.addMember(organization, userId, role);
        const resource = membershipWithUser(store, { organization, membership });
        webhooks.membershipEvent("organizationMembership.created", resource);
        return jsonResponse(resource);
      } catch (error) {
        if (!(error instanceof OrganizationConflictError)) throw error;
        return formError("already_a_member_in_organization", "user_id", "is invalid", error.message);
      }
    })
    .patch("/:id/memberships/:user_id", async (c) => {
      const found = membershipOf(c);
      if (found instanceof Response) return found;
      const body = await parseJsonBody(c.req.raw, z.object({ role: roleSchema }));
      if (!body.ok) return body.response;
      organizations.updateRole(found.membership, body.data.role);
      const resource = membershipWithUser(store, found);
      webhooks.membershipEvent("organizationMembership.updated", resource);
      return jsonResponse(resource);
    })
    .delete("/:id/memberships/:user_id", (c) => {
      const found = membershipOf(c);
      if (found instanceof Response) return found;
      // The member's sessions keep the organization active: their next token for it is refused.
      organizations.removeMember(found.membership);
      const resource = membershipWithUser(store, found);
      webhooks.membershipEvent("organizationMembership.deleted", resource);
      return jsonResponse(resource);
    });
}
