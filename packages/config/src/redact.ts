import type { ConfigPath } from './config-path.ts';
import { isPlainObject } from './parse.ts';
import { setOwn } from './include.ts';

/** What a redacted secret prints as. */
export const REDACTED = '[redacted]';

const SECRET_KEY = /(^|_|[a-z])(token|password|passwd|secret|api_?key|private_?key|credentials?)$/i;

/**
 * True for a key whose value is a secret: `token`, `botToken`, `password`, `apiKey`,
 * `webhookSecret`, `ANTHROPIC_API_KEY`, … but not `tokenFile` or `maxTokens`.
 */
export function isSecretKey(key: string | number): boolean {
  return typeof key === 'string' && SECRET_KEY.test(key);
}

/**
 * True for a value that must be treated as a secret: any key along the path names one,
 * or it sits in the config's `env` block, which exists to hold credentials whatever their
 * names (`DATABASE_URL`, `GITHUB_PAT`, …).
 */
export function isSecretPath(path: ConfigPath): boolean {
  return path[0] === 'env' || path.some(isSecretKey);
}

/**
 * A copy of `value` with every non-empty string under a secret key replaced by
 * {@link REDACTED}. `path` is where `value` sits in the config, so that asking for
 * `gateway.auth.token` directly is redacted too.
 */
export function redactSecrets(value: unknown, path: ConfigPath = []): unknown {
  if (typeof value === 'string') return value !== '' && isSecretPath(path) ? REDACTED : value;
  if (Array.isArray(value)) return value.map((item, i) => redactSecrets(item, [...path, i]));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) setOwn(out, key, redactSecrets(item, [...path, key]));
    return out;
  }
  return value;
}
