import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKSPACE_TEMPLATES, resolveWorkspaceDir } from '@openclaw/agent';
import type { WorkspaceConfig } from '@openclaw/agent';
import { check, errorText, plural } from './doctor-check.ts';
import type { DoctorCheck, DoctorContext } from './doctor-check.ts';

/** The workspace files doctor and onboard create, with the agent's own starting texts. */
export const WORKSPACE_FILES: ReadonlyArray<{ name: string; template: string }> = WORKSPACE_TEMPLATES.map(({ name, content }) => ({ name, template: content }));

/** The directory the agent reads: `agents.defaults.workspace` (relative to the state dir), else `<stateDir>/workspace`. */
export function workspaceDir(context: DoctorContext): string {
  const config: unknown = context.loaded.config ?? context.loaded.input;
  return resolveWorkspaceDir({ stateDir: context.loaded.paths.stateDir, config: config as WorkspaceConfig, home: context.home });
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
