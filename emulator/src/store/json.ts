import { randomUUID } from "node:crypto";

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A Clerk-style id: the resource's prefix, then random hex (`user_…`, `sess_…`). */
export function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replaceAll("-", "")}`;
}

/**
 * `patch` deep-merged into `target`, as Clerk merges metadata: nested objects are merged, a `null`
 * removes its key at any level, and anything else replaces the value.
 */
export function mergeJsonObjects(target: JsonObject, patch: JsonObject): JsonObject {
  const merged: JsonObject = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    const current = merged[key];
    if (value === null) delete merged[key];
    else if (isJsonObject(value) && current !== undefined && isJsonObject(current)) {
      merged[key] = mergeJsonObjects(current, value);
    } else merged[key] = value;
  }
  return merged;
}

function isJsonObject(value: Json): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
