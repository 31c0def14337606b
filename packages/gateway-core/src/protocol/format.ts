import type { z } from 'zod';

/** At most this many problems are listed in one message; the rest are counted. */
const MAX_LISTED_ISSUES = 5;

/**
 * How a value reads in a message: its type, and the value itself when short.
 * Never echoes long strings, which could be secrets (tokens) or floods.
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return value.length <= 32 ? `string ${JSON.stringify(value)}` : 'a string';
  const shown = String(value);
  return shown.length <= 32 ? `${typeof value} ${shown}` : typeof value;
}

const EXPECTED_NAMES: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
  record: 'an object',
};

/** A JSON-pointer-like location, as the original's ajv messages print it ("/client/id"). */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'root';
  return path.map((segment) => `/${String(segment)}`).join('');
}

/** Values under these keys are credentials: messages name their type, never their value. */
const SENSITIVE_KEY = /token|password|secret|signature|auth/i;

function typeOnly(value: unknown): string {
  if (value === null || typeof value === 'object') return describeValue(value);
  return typeof value === 'string' ? 'a string' : typeof value;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const raw = (issue as { input?: unknown }).input;
  const sensitive = issue.path.some((segment) => typeof segment === 'string' && SENSITIVE_KEY.test(segment));
  const describe = sensitive ? typeOnly : describeValue;
  switch (issue.code) {
    case 'invalid_type': {
      const expected = EXPECTED_NAMES[issue.expected] ?? issue.expected;
      return raw === undefined ? `required (${expected})` : `expected ${expected}, got ${describe(raw)}`;
    }
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) === 1) return 'expected a non-empty string';
      if (issue.origin === 'number') return `expected a number >= ${String(issue.minimum)}, got ${describe(raw)}`;
      return issue.message;
    case 'invalid_value':
      return `expected ${issue.values.map((value) => JSON.stringify(value)).join(' or ')}, got ${describe(raw)}`;
    default:
      return issue.message;
  }
}

/**
 * Turns zod issues into one line: "at /client/id: expected a non-empty string; at /minProtocol: …".
 * Issues must come from a parse with `reportInput: true` to name the offending value.
 */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  const listed = issues.slice(0, MAX_LISTED_ISSUES).map((issue) => `at ${formatIssuePath(issue.path)}: ${describeIssue(issue)}`);
  const more = issues.length - listed.length;
  if (more > 0) listed.push(`and ${more} more`);
  return listed.join('; ');
}
