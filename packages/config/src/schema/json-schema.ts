import { z } from 'zod';
import { OpenClawConfigSchema } from './config.ts';

/** A JSON Schema document or sub-schema, as zod produces it. */
export type JsonSchema = z.core.JSONSchema.JSONSchema;

/** Where the published package serves the generated schema; editors fetch it from `$schema`. */
export const CONFIG_SCHEMA_ID = 'https://unpkg.com/@openclaw/config/openclaw.schema.json';

let cached: JsonSchema | undefined;

/** Generating walks the whole schema, so it happens once, on first use. */
function jsonSchema(): JsonSchema {
  if (cached === undefined) {
    // io "input": the file a user writes, where every field that has a default is optional.
    const { $schema, ...rest } = z.toJSONSchema(OpenClawConfigSchema, { io: 'input', target: 'draft-2020-12' });
    // Identification first, so the committed file reads top-down.
    cached = { $schema, $id: CONFIG_SCHEMA_ID, title: 'OpenClaw configuration', description: rest.description, ...rest };
  }
  return cached;
}

/**
 * The JSON Schema (draft 2020-12) of `openclaw.json`, as committed in
 * `openclaw.schema.json`. Returns a copy, so callers may modify it.
 */
export function configJsonSchema(): JsonSchema {
  return structuredClone(jsonSchema());
}

/**
 * The property names the schema knows for the object at `path` (as in a zod issue's
 * path), for "did you mean" suggestions on unknown keys. Record keys (`groups.<id>`)
 * follow the record's value schema and array indexes the item schema. Returns
 * `undefined` when `path` leads nowhere or not to an object; a record with no fixed
 * properties gives `[]`.
 */
export function schemaKeysAt(path: readonly (string | number)[]): string[] | undefined {
  const root = jsonSchema();
  let nodes = expand(root, root);
  for (const segment of path) {
    nodes = nodes.flatMap((node) => child(node, segment)).flatMap((node) => expand(node, root));
    if (nodes.length === 0) return undefined;
  }
  const objects = nodes.filter(isObjectSchema);
  if (objects.length === 0) return undefined;
  return [...new Set(objects.flatMap((node) => Object.keys(node.properties ?? {})))];
}

/** The candidate schemas a node stands for: `$ref` resolved, unions and intersections flattened. */
function expand(node: z.core.JSONSchema._JSONSchema | undefined, root: JsonSchema, depth = 0): JsonSchema[] {
  // A cycle of $refs cannot describe a config object; stop instead of looping.
  if (node === undefined || typeof node === 'boolean' || depth > 32) return [];
  const found: JsonSchema[] = [node];
  if (typeof node.$ref === 'string') found.push(...expand(resolveRef(node.$ref, root), root, depth + 1));
  for (const branch of [...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])]) {
    found.push(...expand(branch, root, depth + 1));
  }
  return found;
}

/** Resolves a local `#/...` JSON pointer; remote refs are never generated for this schema. */
function resolveRef(ref: string, root: JsonSchema): JsonSchema | undefined {
  if (!ref.startsWith('#')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(1).split('/').filter((part) => part !== '')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return typeof node === 'object' && node !== null ? (node as JsonSchema) : undefined;
}

/** The sub-schemas `segment` leads to from `node`. */
function child(node: JsonSchema, segment: string | number): z.core.JSONSchema._JSONSchema[] {
  if (node.items !== undefined || node.prefixItems !== undefined) {
    const index = typeof segment === 'number' ? segment : /^\d+$/.test(segment) ? Number(segment) : undefined;
    if (index === undefined) return [];
    const tuple = node.prefixItems?.[index];
    if (tuple !== undefined) return [tuple];
    return node.items === undefined || Array.isArray(node.items) ? [] : [node.items];
  }
  const key = String(segment);
  const property = node.properties !== undefined && Object.hasOwn(node.properties, key) ? node.properties[key] : undefined;
  if (property !== undefined) return [property];
  const patterns = Object.entries(node.patternProperties ?? {})
    .filter(([pattern]) => new RegExp(pattern, 'u').test(key))
    .map(([, schema]) => schema);
  if (patterns.length > 0) return patterns;
  return typeof node.additionalProperties === 'object' ? [node.additionalProperties] : [];
}

function isObjectSchema(node: JsonSchema): boolean {
  return node.type === 'object' || node.properties !== undefined || node.additionalProperties !== undefined;
}
