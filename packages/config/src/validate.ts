import type { z } from 'zod';
import { formatConfigPath, valueAtPath } from './config-path.ts';
import type { ConfigPath } from './config-path.ts';
import { isPlainObject } from './parse.ts';
import { OpenClawConfigSchema, schemaKeysAt } from './schema/index.ts';
import type { OpenClawConfig } from './schema/index.ts';

/** One problem found in a config: where, what, and (for errors) how to fix it. */
export interface ConfigIssue {
  /** A stable code: `unknown-key`, `invalid-type`, `invalid-value`, or a ConfigError code. */
  code: string;
  path: ConfigPath;
  message: string;
  /** For unknown keys: the known key it most likely meant. */
  suggestion?: string;
  file?: string;
  hint?: string;
}

/** Validation never throws on a bad config: it says everything that is wrong at once. */
export interface ValidationResult {
  /** The config with defaults applied; undefined while there are errors. */
  config: OpenClawConfig | undefined;
  warnings: ConfigIssue[];
  errors: ConfigIssue[];
}

/** How a value reads in a message: its type, and the value itself when short. */
export function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  const shown = JSON.stringify(value);
  return shown.length <= 40 ? `${typeof value} ${shown}` : typeof value;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** The known key closest to `key`, if any is close enough to be a likely typo. */
export function suggestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = candidate.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

function issueToError(issue: z.core.$ZodIssue, input: unknown): ConfigIssue {
  const path = issue.path as (string | number)[];
  const where = formatConfigPath(path) || '(top level)';
  const found = describeFound(valueAtPath(input, path));
  switch (issue.code) {
    case 'invalid_type':
      return { code: 'invalid-type', path, message: `${where}: expected ${issue.expected}, found ${found}` };
    case 'invalid_value':
      return {
        code: 'invalid-value',
        path,
        message: `${where}: expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, found ${found}`,
      };
    default:
      return { code: issue.code.replaceAll('_', '-'), path, message: `${where}: ${issue.message} (found ${found})` };
  }
}

function withoutKeys(input: unknown, unknown: readonly ConfigPath[]): unknown {
  const copy = structuredClone(input);
  for (const path of unknown) {
    const parent = valueAtPath(copy, path.slice(0, -1));
    if (isPlainObject(parent)) delete parent[path[path.length - 1] as string];
  }
  return copy;
}

// A process validates its config once or twice: zod's compiled fast path costs more to
// generate (3-30 ms here) than it saves (the parse itself takes about 2 ms without it).
const PARSE = { jitless: true } as const;

/**
 * Validates a config object (after includes, substitution and migrations) against the
 * schema and applies its defaults. Unknown keys are warnings with a did-you-mean
 * suggestion and never stop anything; every wrong type or value is an error with the
 * path, what was expected and what was found.
 */
export function validateConfig(input: unknown): ValidationResult {
  const first = OpenClawConfigSchema.safeParse(input, PARSE);
  if (first.success) return { config: first.data, warnings: [], errors: [] };

  const warnings: ConfigIssue[] = [];
  const errors: ConfigIssue[] = [];
  const unknownPaths: ConfigPath[] = [];
  for (const issue of first.error.issues) {
    if (issue.code !== 'unrecognized_keys') {
      errors.push(issueToError(issue, input));
      continue;
    }
    const parent = issue.path as (string | number)[];
    for (const key of issue.keys) {
      const path = [...parent, key];
      unknownPaths.push(path);
      const suggestion = suggestKey(key, schemaKeysAt(parent) ?? []);
      warnings.push({
        code: 'unknown-key',
        path,
        message: `unknown key ${formatConfigPath(path)}${suggestion ? ` (did you mean ${formatConfigPath([...parent, suggestion])}?)` : ''}; it is ignored`,
        ...(suggestion ? { suggestion } : {}),
      });
    }
  }
  if (errors.length > 0) return { config: undefined, warnings, errors };

  const second = OpenClawConfigSchema.safeParse(withoutKeys(input, unknownPaths), PARSE);
  if (second.success) return { config: second.data, warnings, errors };
  return { config: undefined, warnings, errors: second.error.issues.map((issue) => issueToError(issue, input)) };
}
