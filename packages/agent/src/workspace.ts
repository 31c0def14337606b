import { mkdir, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { expandHome } from '@openclaw/config';
import type { OpenClawConfig } from '@openclaw/config';
import { listAgents } from '@openclaw/gateway-core';
import { normalizeAgentId } from '@openclaw/state';
import { listSkills } from './skills.ts';
import type { SkillEntry } from './skills.ts';
import { cutChars, errorReason, readTextFile, splitFrontMatter } from './workspace-text.ts';

/**
 * The workspace files put into the system prompt, in this order. `MEMORY.md` may also be
 * spelled `memory.md` (read only when `MEMORY.md` does not exist).
 */
export const BOOTSTRAP_FILE_NAMES = Object.freeze([
  'AGENTS.md',
  'SOUL.md',
  'TOOLS.md',
  'IDENTITY.md',
  'USER.md',
  'HEARTBEAT.md',
  'BOOTSTRAP.md',
  'MEMORY.md',
] as const);

/** Defaults of {@link LoadWorkspaceOptions}; `maxChars` is `agents.defaults.bootstrapMaxChars`' default. */
export const WORKSPACE_DEFAULTS = Object.freeze({ maxChars: 20_000, maxSkills: 100 });

type AgentsConfig = OpenClawConfig['agents'];
type AgentListEntry = NonNullable<AgentsConfig['list']>[number];

/** The part of the config the workspace reads. A validated `OpenClawConfig` fits. */
export interface WorkspaceConfig {
  agents?: {
    defaults?: Partial<Pick<AgentsConfig['defaults'], 'workspace' | 'bootstrapMaxChars'>> | undefined;
    list?: ReadonlyArray<Pick<AgentListEntry, 'id' | 'workspace' | 'default'>> | undefined;
  } | undefined;
}

/** Options of {@link resolveWorkspaceDir}. */
export interface ResolveWorkspaceDirOptions {
  /** The state dir (`~/.openclaw`, or the profile's). */
  stateDir: string;
  config?: WorkspaceConfig | undefined;
  /** The agent whose workspace is wanted; the default agent when not given. */
  agentId?: string | undefined;
  /** What `~` means; the user's home directory when not given. */
  home?: string | undefined;
}

/**
 * The workspace directory of an agent, as an absolute path:
 * 1. its own `agents.list[].workspace`;
 * 2. for the default agent (the one marked `default`, else the first, else `main`):
 *    `agents.defaults.workspace`, else `<stateDir>/workspace`;
 * 3. for any other agent `<stateDir>/workspace-<agentId>`, so two agents never share one
 *    MEMORY.md by accident.
 *
 * A leading `~` is the home directory; a relative path is relative to the state dir (not the
 * working directory, which differs between a shell and the service).
 */
export function resolveWorkspaceDir(options: ResolveWorkspaceDirOptions): string {
  const { stateDir, config } = options;
  const absolute = (path: string) => resolve(stateDir, expandHome(path, options.home ?? homedir()));
  const defaultId = listAgents(config ?? {}).defaultId;
  const agentId = options.agentId === undefined ? defaultId : normalizeAgentId(options.agentId);
  const own = config?.agents?.list?.find((agent) => normalizeAgentId(agent.id) === agentId)?.workspace?.trim();
  if (own) return absolute(own);
  if (agentId !== defaultId) return join(stateDir, `workspace-${agentId}`);
  const shared = config?.agents?.defaults?.workspace?.trim();
  return shared ? absolute(shared) : join(stateDir, 'workspace');
}

/** `agents.defaults.bootstrapMaxChars`, else {@link WORKSPACE_DEFAULTS}`.maxChars`. */
export function resolveBootstrapMaxChars(config?: WorkspaceConfig): number {
  return config?.agents?.defaults?.bootstrapMaxChars ?? WORKSPACE_DEFAULTS.maxChars;
}

/** One bootstrap file as it goes into the system prompt. */
export interface BootstrapFile {
  /** The file name as found: `AGENTS.md`, …, `MEMORY.md` or `memory.md`. */
  name: string;
  /** Absolute path of the file. */
  path: string;
  /**
   * The text without front matter and surrounding blank space; when longer than `maxChars`,
   * its first `maxChars` characters followed by a line saying how much was cut and where the
   * full file is.
   */
  content: string;
  /** Whether `content` was cut. */
  truncated: boolean;
  /** Characters (code points) of the text before cutting, front matter not counted. */
  originalChars: number;
}

/** What {@link loadWorkspace} found. */
export interface LoadedWorkspace {
  dir: string;
  /** The bootstrap files that exist and are not blank, in {@link BOOTSTRAP_FILE_NAMES} order. */
  files: BootstrapFile[];
  /** The skills, sorted by name, at most `maxSkills`. */
  skills: SkillEntry[];
  /** How many skills were left out of `skills` by `maxSkills`. */
  skillsOmitted: number;
  /** Files that exist but could not be read, and similar problems for the operator. */
  warnings: string[];
}

/** Options of {@link loadWorkspace}. */
export interface LoadWorkspaceOptions {
  /** Characters of each bootstrap file kept (`agents.defaults.bootstrapMaxChars`). */
  maxChars?: number | undefined;
  /** Skills listed at most. */
  maxSkills?: number | undefined;
}

function truncationNote(name: string, path: string, chars: number, maxChars: number): string {
  return `[${name} truncated: ${chars - maxChars} of its ${chars} characters were cut here. The full file is ${path}]`;
}

/**
 * Reads the bootstrap files and skills of a workspace. Never throws for the state of the
 * disk: a workspace that does not exist gives an empty result without warnings (the caller
 * decides whether that is a problem); a file that exists but cannot be read (permissions, a
 * directory in its place) is left out with a warning.
 *
 * @throws RangeError when `maxChars` is not a positive integer (a programming error).
 */
export async function loadWorkspace(dir: string, options: LoadWorkspaceOptions = {}): Promise<LoadedWorkspace> {
  const maxChars = options.maxChars ?? WORKSPACE_DEFAULTS.maxChars;
  if (!Number.isInteger(maxChars) || maxChars < 1) throw new RangeError(`maxChars must be a positive integer, got ${maxChars}`);
  const result: LoadedWorkspace = { dir, files: [], skills: [], skillsOmitted: 0, warnings: [] };
  try {
    if (!(await stat(dir)).isDirectory()) return { ...result, warnings: [`workspace: ${dir} is not a directory`] };
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return result;
    return { ...result, warnings: [`workspace: cannot read ${dir} (${errorReason(error)})`] };
  }
  for (const wanted of BOOTSTRAP_FILE_NAMES) {
    let path = join(dir, wanted);
    let read = await readTextFile(path);
    if (read.kind === 'missing' && wanted === 'MEMORY.md') {
      path = join(dir, 'memory.md');
      read = await readTextFile(path);
    }
    const name = basename(path);
    if (read.kind === 'missing') continue;
    if (read.kind === 'unreadable') {
      result.warnings.push(`${name}: cannot read ${path} (${read.reason}); left out of the system prompt`);
      continue;
    }
    if (read.invalidUtf8) result.warnings.push(`${name}: ${path} is not valid UTF-8 (invalid bytes read as U+FFFD)`);
    const text = splitFrontMatter(read.text).body.trim();
    if (text === '') continue;
    const cut = cutChars(text, maxChars);
    const content = cut.truncated ? `${cut.text}\n\n${truncationNote(name, path, cut.chars, maxChars)}` : text;
    result.files.push({ name, path, content, truncated: cut.truncated, originalChars: cut.chars });
  }
  const skills = await listSkills(dir, { maxSkills: options.maxSkills ?? WORKSPACE_DEFAULTS.maxSkills });
  result.skills = skills.skills;
  result.skillsOmitted = skills.omitted;
  result.warnings.push(...skills.warnings);
  return result;
}

/**
 * The starting text of a new workspace: enough for the agent to know what each file is for,
 * short enough that the owner replaces it.
 */
export const WORKSPACE_TEMPLATES: ReadonlyArray<{ name: string; content: string }> = Object.freeze([
  { name: 'AGENTS.md', content: '# AGENTS.md\n\nHow the agent should work: its rules, its tools, what to ask before doing.\n' },
  { name: 'SOUL.md', content: '# SOUL.md\n\nWho the agent is: its name, its tone, what it cares about.\n' },
  { name: 'MEMORY.md', content: '# MEMORY.md\n\nLong-term notes the agent keeps about you and its work.\n' },
]);

/** Stable codes of {@link WorkspaceError}. */
export type WorkspaceErrorCode = 'WORKSPACE_CREATE';

/** The workspace could not be created; `hint` says what the operator can do. */
export class WorkspaceError extends Error {
  override readonly name = 'WorkspaceError';
  readonly code: WorkspaceErrorCode;
  readonly hint: string | undefined;

  constructor(code: WorkspaceErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
  }
}

/** Options of {@link ensureWorkspace}. */
export interface EnsureWorkspaceOptions {
  /** Create only the directory, no template files (`agents.defaults.skipBootstrap`). */
  skipBootstrap?: boolean | undefined;
}

/**
 * Creates the workspace directory (0700) when it does not exist, and in a directory it has
 * just created the {@link WORKSPACE_TEMPLATES} files (0600) and `skills/`. An existing
 * workspace is left as it is: a file its owner deleted is not brought back, and no file is
 * ever overwritten (each is created exclusively).
 *
 * @returns the paths it created, the directory first.
 * @throws WorkspaceError (`WORKSPACE_CREATE`) when the directory or a file cannot be created.
 */
export async function ensureWorkspace(dir: string, options: EnsureWorkspaceOptions = {}): Promise<{ dir: string; created: string[] }> {
  const cannotCreate = (path: string, error: unknown) =>
    new WorkspaceError('WORKSPACE_CREATE', `cannot create ${path} (${errorReason(error)})`, {
      hint: `check that ${dir} and its parent are writable by this user, or set agents.defaults.workspace`,
      cause: error,
    });
  let madeDir: string | undefined;
  try {
    // undefined when the directory was already there: an existing workspace is left alone.
    madeDir = await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw cannotCreate(dir, error);
  }
  if (madeDir === undefined) return { dir, created: [] };
  const created = [dir];
  if (options.skipBootstrap) return { dir, created };
  const entries = [
    ...WORKSPACE_TEMPLATES.map((t) => ({ path: join(dir, t.name), make: (path: string) => writeFile(path, t.content, { flag: 'wx', mode: 0o600 }) })),
    { path: join(dir, 'skills'), make: (path: string) => mkdir(path, { mode: 0o700 }) },
  ];
  for (const { path, make } of entries) {
    try {
      await make(path);
      created.push(path);
    } catch (error) {
      // Created meanwhile by someone else (another process): theirs is kept.
      if ((error as { code?: unknown }).code !== 'EEXIST') throw cannotCreate(path, error);
    }
  }
  return { dir, created };
}
