import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expandHome } from '@openclaw/config';
import { check, errorText, plural } from './doctor-check.ts';
import type { DoctorCheck, DoctorContext } from './doctor-check.ts';

/** The workspace files the agent reads, with the short starting text doctor writes for a missing one. */
export const WORKSPACE_FILES: ReadonlyArray<{ name: string; template: string }> = [
  { name: 'AGENTS.md', template: '# AGENTS.md\n\nHow the agent should work: its rules, its tools, what to ask before doing.\n' },
  { name: 'SOUL.md', template: '# SOUL.md\n\nWho the agent is: its name, its tone, what it cares about.\n' },
  { name: 'MEMORY.md', template: '# MEMORY.md\n\nLong-term notes the agent keeps about you and its work.\n' },
];

/** `agents.defaults.workspace`, else `<stateDir>/workspace`. */
export function workspaceDir(context: DoctorContext): string {
  const config: unknown = context.loaded.config ?? context.loaded.input;
  const agents = (config as { agents?: { defaults?: { workspace?: unknown } } }).agents;
  const configured = agents?.defaults?.workspace;
  return typeof configured === 'string' && configured !== '' ? expandHome(configured, context.home) : join(context.loaded.paths.stateDir, 'workspace');
}

/**
 * The workspace: AGENTS.md, SOUL.md, MEMORY.md and skills/. Missing ones are ⚠; --fix creates
 * them (never replacing a file: each is created exclusively). Nothing is checked before the
 * state dir exists: there is nothing set up yet.
 */
export function workspaceChecks(context: DoctorContext): DoctorCheck[] {
  const S = 'Workspace';
  if (!existsSync(context.loaded.paths.stateDir)) return [check(S, 'workspace', 'ok', 'workspace', 'not set up yet (openclaw onboard, or openclaw doctor --fix once the state dir exists)')];
  const dir = workspaceDir(context);
  const missing = [...WORKSPACE_FILES.map((f) => f.name), 'skills/'].filter((name) => !existsSync(join(dir, name)));
  if (missing.length === 0) return [check(S, 'workspace', 'ok', 'workspace', `${dir}: AGENTS.md, SOUL.md, MEMORY.md, skills/`)];
  if (!context.fix) {
    return [check(S, 'workspace', 'warning', 'workspace', `${dir}: missing ${missing.join(', ')}`, { fix: 'openclaw doctor --fix (creates them with a short starting text; existing files are never touched)' })];
  }
  const created: string[] = [];
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const file of WORKSPACE_FILES) {
      const path = join(dir, file.name);
      if (!missing.includes(file.name)) continue;
      writeFileSync(path, file.template, { flag: 'wx', mode: 0o600 });
      created.push(`created ${path}`);
    }
    if (missing.includes('skills/')) {
      mkdirSync(join(dir, 'skills'), { mode: 0o700 });
      created.push(`created ${join(dir, 'skills')}/`);
    }
  } catch (error) {
    context.changes.push(...created);
    return [check(S, 'workspace', 'problem', 'workspace', `could not create ${dir}: ${errorText(error)}`, { fix: `check that ${dir} is writable by this user`, lines: created })];
  }
  context.changes.push(...created);
  return [check(S, 'workspace', 'ok', 'workspace', `created ${plural(created.length, 'missing entry', 'missing entries')} in ${dir}`, { changed: true, lines: created })];
}
