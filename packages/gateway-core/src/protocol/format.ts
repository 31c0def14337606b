import type { ShapeIssue } from '../validation/shape.ts';

/** At most this many problems are listed in one message; the rest are counted. */
const MAX_LISTED_ISSUES = 5;

/** A JSON-pointer-like location, as the original's ajv messages print it ("/client/id"). */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'root';
  return path.map((segment) => `/${String(segment)}`).join('');
}

/** Turns issues into one line: "at /client/id: expected a non-empty string; at /minProtocol: …". */
export function formatIssues(issues: readonly ShapeIssue[]): string {
  const listed = issues.slice(0, MAX_LISTED_ISSUES).map((issue) => `at ${formatIssuePath(issue.path)}: ${issue.message}`);
  const more = issues.length - listed.length;
  if (more > 0) listed.push(`and ${more} more`);
  return listed.join('; ');
}
