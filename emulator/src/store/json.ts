import { randomUUID } from "node:crypto";

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A Clerk-style id: the resource's prefix, then random hex (`user_…`, `sess_…`). */
export function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replaceAll("-", "")}`;
}
