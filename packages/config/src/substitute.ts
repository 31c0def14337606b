import { ConfigError } from './errors.ts';
import { formatConfigPath } from './config-path.ts';
import type { ConfigPath } from './config-path.ts';
import { isPlainObject } from './parse.ts';
import { setOwn } from './include.ts';

const REFERENCE = /\$(\$?)\{([A-Z_][A-Z0-9_]*)\}/g;

/** A string in the config that took (part of) its value from environment variables. */
export interface EnvReference {
  path: ConfigPath;
  variables: string[];
}

/** The result of `${VAR}` substitution: the new value, what it used, what was missing. */
export interface SubstitutionResult {
  value: unknown;
  references: EnvReference[];
  errors: ConfigError[];
}

/**
 * Replaces `${NAME}` in every string of the config with the variable's value. Only
 * upper-case names are references (`${lower}` stays as written); `$${NAME}` is the
 * escape that leaves a literal `${NAME}`. A missing or empty variable is an error naming
 * the config path that needs it; every such error is collected, not just the first.
 */
export function substituteEnv(value: unknown, env: Readonly<Record<string, string | undefined>>): SubstitutionResult {
  const references: EnvReference[] = [];
  const errors: ConfigError[] = [];

  const visit = (node: unknown, path: (string | number)[]): unknown => {
    if (typeof node === 'string') {
      const used: string[] = [];
      const out = node.replace(REFERENCE, (match, escape: string, name: string) => {
        if (escape) return match.slice(1);
        const found = env[name];
        if (found === undefined || found === '') {
          errors.push(
            new ConfigError('CONFIG_MISSING_ENV', `Missing env var "${name}" referenced at config path: ${formatConfigPath(path)}`, {
              hint: `set ${name} in the environment, in <stateDir>/.env, or in the config's "env" block`,
            }),
          );
          return match;
        }
        used.push(name);
        return found;
      });
      if (used.length > 0) references.push({ path: [...path], variables: used });
      return out;
    }
    if (Array.isArray(node)) return node.map((item, i) => visit(item, [...path, i]));
    if (isPlainObject(node)) {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(node)) setOwn(out, key, visit(item, [...path, key]));
      return out;
    }
    return node;
  };

  return { value: visit(value, []), references, errors };
}
