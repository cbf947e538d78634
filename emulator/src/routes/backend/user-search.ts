import type { Context } from "hono";
import { z } from "zod";
import { invalidParam, jsonResponse } from "../../http";
import { userResource } from "../../resources";
import type { UserRecord } from "../../store/users";
import { boundedInteger, parseParams } from "../../validation";

// `GET /v1/users` and `GET /v1/users/count`, with the filters of Clerk's description that the
// emulator's users can answer. Different filters narrow each other; the values of one widen it.

/** Filters that take several values (`?email_address=a&email_address=b`). */
const LIST_FILTERS = ["email_address", "phone_number", "external_id", "username", "web3_wallet", "user_id"];
/** Filters Clerk documents that would need data the emulator does not keep: a 422, never a wrong answer. */
const NOT_EMULATED = [
  ...["organization_id", "provider", "provider_user_id", "starting_after", "last_active_at_since"],
  ...["last_active_at_before", "last_active_at_after", "last_sign_in_at_before", "last_sign_in_at_after"],
];
const ORDER_FIELDS = [
  ...["created_at", "updated_at", "email_address", "web3wallet", "first_name", "last_name"],
  ...["phone_number", "username", "last_active_at", "last_sign_in_at"],
];

const values = z.array(z.string()).max(100, { error: "accepts up to 100 values" }).optional();
const text = z.string().optional();
const millis = z.coerce
  .number()
  .pipe(z.int({ error: "must be a timestamp in milliseconds" }))
  .optional();
const filterSchema = z.object({
  email_address: values,
  phone_number: values,
  external_id: values,
  username: values,
  web3_wallet: values,
  user_id: values,
  query: text,
  email_address_query: text,
  phone_number_query: text,
  username_query: text,
  name_query: text,
  banned: z.enum(["true", "false"], { error: "must be true or false" }).optional(),
  created_at_before: millis,
  created_at_after: millis,
});
type Filters = z.infer<typeof filterSchema>;
const pageSchema = z.object({
  limit: z.coerce.number().pipe(boundedInteger(1, 500)).default(10),
  offset: z.coerce.number().pipe(boundedInteger(0, Number.MAX_SAFE_INTEGER)).default(0),
  order_by: z
    .string()
    .regex(new RegExp(`^[+-]?(${ORDER_FIELDS.join("|")})$`), { error: `must be one of ${ORDER_FIELDS.join(", ")}` })
    .default("-created_at"),
});

/** The query string, with the list filters as arrays and every other parameter's first value (as Clerk keeps it). */
function queryOf(c: Context): Record<string, string | string[]> {
  const all = c.req.queries();
  return Object.fromEntries(
    Object.entries(all).map(([name, given]) => [name, LIST_FILTERS.includes(name) ? given : (given[0] ?? "")]),
  );
}

const lower = (value: string | null) => value?.toLowerCase() ?? "";
const contains = (haystack: Array<string | null>, needle: string) =>
  haystack.some((value) => lower(value).includes(needle.toLowerCase()));

/** One list filter: any of its values; `-value` excludes and `+value` includes where Clerk allows the signs. */
function matchesList(wanted: string[] | undefined, own: Array<string | null>, signed = false): boolean {
  if (!wanted || wanted.length === 0) return true;
  const mine = new Set(own.map(lower));
  const excluded = signed ? wanted.filter((value) => value.startsWith("-")).map((value) => value.slice(1)) : [];
  const included = wanted.filter((value) => !signed || !value.startsWith("-")).map((value) => value.replace(/^\+/, ""));
  if (excluded.some((value) => mine.has(lower(value)))) return false;
  return included.length === 0 || included.some((value) => mine.has(lower(value)));
}

function matches(user: UserRecord, filters: Filters): boolean {
  const emails = user.email_addresses.map((email) => email.email_address);
  const names = [user.first_name, user.last_name];
  // The emulator's users have no phone numbers, web3 wallets or external ids, and are never banned.
  const checks = [
    matchesList(filters.email_address, emails),
    matchesList(filters.username, [user.username]),
    matchesList(filters.user_id, [user.id], true),
    matchesList(filters.external_id, [], true),
    matchesList(filters.phone_number, []),
    matchesList(filters.web3_wallet, []),
    filters.query === undefined || contains([...emails, ...names, user.username, user.id], filters.query),
    filters.email_address_query === undefined || contains(emails, filters.email_address_query),
    filters.username_query === undefined || contains([user.username], filters.username_query),
    filters.name_query === undefined || contains([...names, names.join(" ")], filters.name_query),
    filters.phone_number_query === undefined,
    filters.banned !== "true",
    filters.created_at_before === undefined || user.created_at < filters.created_at_before,
    filters.created_at_after === undefined || user.created_at > filters.created_at_after,
  ];
  return checks.every(Boolean);
}

function sortValue(user: UserRecord, field: string): string | number | null {
  if (field === "created_at" || field === "updated_at") return user[field];
  if (field === "email_address") {
    return user.email_addresses.find((email) => email.id === user.primary_email_address_id)?.email_address ?? null;
  }
  if (field === "first_name" || field === "last_name" || field === "username") return user[field];
  return null;
}

/** Sorted as `order_by` says (`-` descending), values the users lack last, newest first among equals. */
function ordered(users: UserRecord[], orderBy: string): UserRecord[] {
  const field = orderBy.replace(/^[+-]/, "");
  const direction = orderBy.startsWith("-") ? -1 : 1;
  return [...users]
    .sort((a, b) => b.created_at - a.created_at)
    .sort((a, b) => {
      const [x, y] = [sortValue(a, field), sortValue(b, field)];
      if (x === y) return 0;
      if (x === null || y === null) return x === null ? 1 : -1;
      return (x < y ? -1 : 1) * direction;
    });
}

/** The users the request's filters select, or the answer to a parameter that is wrong or not emulated. */
function filtered(c: Context, users: UserRecord[]): UserRecord[] | Response {
  const query = queryOf(c);
  const notEmulated = NOT_EMULATED.find((name) => name in query);
  if (notEmulated) return invalidParam(notEmulated, `Filtering users by ${notEmulated} is not emulated.`);
  const filters = parseParams(query, filterSchema);
  if (!filters.ok) return filters.response;
  return users.filter((user) => matches(user, filters.data));
}

/** `GET /v1/users`: one page of the matching users. */
export function listUsers(c: Context, users: UserRecord[]): Response {
  const page = parseParams(queryOf(c), pageSchema);
  if (!page.ok) return page.response;
  const found = filtered(c, users);
  if (found instanceof Response) return found;
  const { limit, offset, order_by: orderBy } = page.data;
  return jsonResponse(
    ordered(found, orderBy)
      .slice(offset, offset + limit)
      .map(userResource),
  );
}

/** `GET /v1/users/count`: how many users match. */
export function countUsers(c: Context, users: UserRecord[]): Response {
  const found = filtered(c, users);
  return found instanceof Response ? found : jsonResponse({ object: "total_count", total_count: found.length });
}
