import type { LoadedConfig } from '@openclaw/config';

/** ✓ / ⚠ / ✗ */
export type CheckStatus = 'ok' | 'warning' | 'problem';

/** One line of doctor's checklist. */
export interface DoctorCheck {
  /** Stable id, e.g. `config.legacy` or `security.bind`. */
  id: string;
  /** The heading it is printed under. */
  section: string;
  status: CheckStatus;
  title: string;
  /** One line: what was found, and where. */
  detail: string;
  /** What to run or change; absent when there is nothing to do. */
  fix?: string;
  /** True when this run changed something on disk for this check. */
  changed?: boolean;
  /** Further lines (a migration list, the files concerned). */
  lines?: string[];
}

/** What every check sees. */
export interface DoctorContext {
  /** `--fix` / `--yes`: repair what can be repaired (never without a backup). */
  fix: boolean;
  version: string;
  home: string;
  /** The config as loaded now (reloaded after doctor rewrote it). */
  loaded: LoadedConfig;
  /** Everything this run changed on disk, one line each, in order. */
  changes: string[];
}

/** Builds a check; `fix` and `lines` are left out when empty so the JSON stays small. */
export function check(
  section: string,
  id: string,
  status: CheckStatus,
  title: string,
  detail: string,
  extra: { fix?: string | undefined; changed?: boolean; lines?: string[] } = {},
): DoctorCheck {
  const out: DoctorCheck = { id, section, status, title, detail };
  if (extra.fix) out.fix = extra.fix;
  if (extra.changed) out.changed = true;
  if (extra.lines && extra.lines.length > 0) out.lines = extra.lines;
  return out;
}

/** The message of an error, without its stack. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `1 file`, `2 files`. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}
