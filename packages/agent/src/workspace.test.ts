import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { OpenClawConfigSchema } from '@openclaw/config';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  BOOTSTRAP_FILE_NAMES,
  WORKSPACE_TEMPLATES,
  WorkspaceError,
  ensureWorkspace,
  loadWorkspace,
  resolveBootstrapMaxChars,
  resolveWorkspaceDir,
} from './workspace.ts';
import type { LoadedWorkspace } from './workspace.ts';
import { removeTempDirs, tempDir, workspaceWith } from '../test/temp-workspace.ts';

afterEach(removeTempDirs);

const mode = (path: string) => statSync(path).mode & 0o777;

describe('resolveWorkspaceDir', () => {
  const stateDir = '/srv/claw/.openclaw';
  const home = '/home/claw';

  it('is <stateDir>/workspace without config', () => {
    expect(resolveWorkspaceDir({ stateDir })).toBe('/srv/claw/.openclaw/workspace');
    expect(resolveWorkspaceDir({ stateDir, config: OpenClawConfigSchema.parse({}), agentId: 'main' })).toBe('/srv/claw/.openclaw/workspace');
  });

  it('takes agents.defaults.workspace, expanding ~ and resolving relative paths against the state dir', () => {
    const at = (workspace: string) => resolveWorkspaceDir({ stateDir, home, config: { agents: { defaults: { workspace } } } });
    expect(at('~/claw-ws')).toBe('/home/claw/claw-ws');
    expect(at('~')).toBe('/home/claw');
    expect(at('/data/ws')).toBe('/data/ws');
    expect(at('mine')).toBe('/srv/claw/.openclaw/mine');
    expect(at('  ')).toBe('/srv/claw/.openclaw/workspace');
  });

  it("prefers the agent's own workspace; other agents get workspace-<id>, never the default agent's", () => {
    const config = OpenClawConfigSchema.parse({
      agents: {
        defaults: { workspace: '~/main-ws' },
        list: [{ id: 'main' }, { id: 'Work', default: true }, { id: 'home', workspace: '~/home-ws' }, { id: 'spare' }],
      },
    });
    const of = (agentId?: string) => resolveWorkspaceDir({ stateDir, home, config, agentId });
    expect(of()).toBe('/home/claw/main-ws');
    expect(of('work')).toBe('/home/claw/main-ws');
    expect(of('WORK')).toBe('/home/claw/main-ws');
    expect(of('home')).toBe('/home/claw/home-ws');
    expect(of('main')).toBe('/srv/claw/.openclaw/workspace-main');
    expect(of('spare')).toBe('/srv/claw/.openclaw/workspace-spare');
  });

  it('reads bootstrapMaxChars from the config, 20000 by default', () => {
    expect(resolveBootstrapMaxChars()).toBe(20_000);
    expect(resolveBootstrapMaxChars(OpenClawConfigSchema.parse({}))).toBe(20_000);
    expect(resolveBootstrapMaxChars({ agents: { defaults: { bootstrapMaxChars: 500 } } })).toBe(500);
  });
});

describe('loadWorkspace', () => {
  it('gives an empty result without warnings for a workspace that does not exist', async () => {
    const dir = join(tempDir(), 'nope');
    expect(await loadWorkspace(dir)).toEqual({ dir, files: [], skills: [], skillsOmitted: 0, warnings: [] });
  });

  it('warns when the workspace is a file', async () => {
    const dir = join(tempDir(), 'file');
    writeFileSync(dir, 'x');
    const loaded = await loadWorkspace(dir);
    expect(loaded.files).toEqual([]);
    expect(loaded.warnings).toEqual([`workspace: ${dir} is not a directory`]);
  });

  it('reads the bootstrap files in their fixed order, skipping missing and blank ones', async () => {
    const files = Object.fromEntries([...BOOTSTRAP_FILE_NAMES].reverse().map((name) => [name, `about ${name}\n`]));
    const dir = workspaceWith({ ...files, 'USER.md': ' \n\t\n', 'NOTES.md': 'not a bootstrap file' });
    rmSync(join(dir, 'TOOLS.md'));
    const loaded = await loadWorkspace(dir);
    expect(loaded.files.map((f) => f.name)).toEqual(['AGENTS.md', 'SOUL.md', 'IDENTITY.md', 'HEARTBEAT.md', 'BOOTSTRAP.md', 'MEMORY.md']);
    expect(loaded.files[0]).toEqual({ name: 'AGENTS.md', path: join(dir, 'AGENTS.md'), content: 'about AGENTS.md', truncated: false, originalChars: 15 });
    expect(loaded.warnings).toEqual([]);
  });

  it('strips YAML front matter, a BOM and CRLF line ends, and keeps a leading rule that closes nothing', async () => {
    const dir = workspaceWith({
      'AGENTS.md': '\uFEFF---\r\nsummary: "rules"\r\nread_when: always\r\n---\r\n# Rules\r\n\r\nBe kind.\r\n',
      'SOUL.md': '---\n---\nempty front matter\n',
      'TOOLS.md': '---\ntitle: only front matter\n---\n',
      'USER.md': '---\nnot front matter, it never closes\n',
    });
    const loaded = await loadWorkspace(dir);
    expect(loaded.files.map((f) => [f.name, f.content])).toEqual([
      ['AGENTS.md', '# Rules\n\nBe kind.'],
      ['SOUL.md', 'empty front matter'],
      ['USER.md', '---\nnot front matter, it never closes'],
    ]);
  });

  it('cuts a file at exactly maxChars and says how much was cut and where the full file is', async () => {
    const dir = workspaceWith({ 'AGENTS.md': 'a'.repeat(100), 'SOUL.md': `${'s'.repeat(100)}X`, 'TOOLS.md': `---\nx: 1\n---\n${'t'.repeat(100)}` });
    const loaded = await loadWorkspace(dir, { maxChars: 100 });
    const [agents, soul, tools] = loaded.files;
    expect(agents).toMatchObject({ content: 'a'.repeat(100), truncated: false, originalChars: 100 });
    expect(tools).toMatchObject({ content: 't'.repeat(100), truncated: false, originalChars: 100 });
    expect(soul).toMatchObject({ truncated: true, originalChars: 101 });
    expect(soul?.content).toBe(`${'s'.repeat(100)}\n\n[SOUL.md truncated: 1 of its 101 characters were cut here. The full file is ${join(dir, 'SOUL.md')}]`);
  });

  it('counts characters, not bytes or UTF-16 units, and never cuts a surrogate pair in half', async () => {
    const japanese = 'こんにちは、世界。'.repeat(20); // 180 characters, 540 bytes
    const dir = workspaceWith({ 'AGENTS.md': japanese, 'SOUL.md': `${'あ'.repeat(9)}😀${'い'.repeat(5)}`, 'USER.md': '😀'.repeat(12) });
    const loaded = await loadWorkspace(dir, { maxChars: 10 });
    const [agents, soul, user] = loaded.files;
    expect(agents?.originalChars).toBe(180);
    expect(agents?.content.startsWith(`${japanese.slice(0, 10)}\n\n[AGENTS.md truncated: 170 of its 180 characters`)).toBe(true);
    expect(soul?.originalChars).toBe(15);
    expect(soul?.content.split('\n')[0]).toBe(`${'あ'.repeat(9)}😀`);
    expect(user?.originalChars).toBe(12);
    expect(user?.content.split('\n')[0]).toBe('😀'.repeat(10));
    expect(user?.content).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect((await loadWorkspace(dir, { maxChars: 180 })).files[0]).toMatchObject({ content: japanese, truncated: false });
  });

  it('reads memory.md when MEMORY.md is absent, and only MEMORY.md when both exist', async () => {
    const lower = workspaceWith({ 'memory.md': 'lower' });
    expect((await loadWorkspace(lower)).files).toEqual([{ name: 'memory.md', path: join(lower, 'memory.md'), content: 'lower', truncated: false, originalChars: 5 }]);
    const both = workspaceWith({ 'memory.md': 'lower', 'MEMORY.md': 'upper' });
    expect((await loadWorkspace(both)).files.map((f) => [f.name, f.content])).toEqual([['MEMORY.md', 'upper']]);
  });

  it('reports a directory in place of a file as a warning and loads the rest', async () => {
    const dir = workspaceWith({ 'AGENTS.md': 'rules', 'MEMORY.md/notes.txt': 'x' });
    const loaded = await loadWorkspace(dir);
    expect(loaded.files.map((f) => f.name)).toEqual(['AGENTS.md']);
    expect(loaded.warnings).toEqual([`MEMORY.md: cannot read ${join(dir, 'MEMORY.md')} (EISDIR: a directory, not a file); left out of the system prompt`]);
  });

  it('reports a file it may not read (EACCES) as a warning', async () => {
    const dir = workspaceWith({ 'AGENTS.md': 'rules', 'SOUL.md': 'secret soul' });
    chmodSync(join(dir, 'SOUL.md'), 0o000);
    const loaded = await loadUnprivileged(dir);
    expect(loaded.files.map((f) => f.name)).toEqual(['AGENTS.md']);
    expect(loaded.warnings).toEqual([`SOUL.md: cannot read ${join(dir, 'SOUL.md')} (EACCES: permission denied); left out of the system prompt`]);
  });

  it('reads invalid UTF-8 with replacement characters and a warning', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'AGENTS.md'), Buffer.from([0x6f, 0x6b, 0x20, 0xff, 0xfe, 0x21]));
    const loaded = await loadWorkspace(dir);
    expect(loaded.files[0]?.content).toBe('ok \uFFFD\uFFFD!');
    expect(loaded.warnings).toEqual([`AGENTS.md: ${join(dir, 'AGENTS.md')} is not valid UTF-8 (invalid bytes read as U+FFFD)`]);
  });

  it('lists the skills with the files', async () => {
    const dir = workspaceWith({ 'skills/weather/SKILL.md': '---\ndescription: Forecasts\n---\n', 'skills/b/SKILL.md': 'b', 'skills/a/SKILL.md': 'a' });
    const loaded = await loadWorkspace(dir, { maxSkills: 2 });
    expect(loaded.skills.map((s) => s.name)).toEqual(['a', 'b']);
    expect(loaded.skillsOmitted).toBe(1);
    expect(loaded.warnings).toHaveLength(1);
  });

  it('refuses a maxChars that is not a positive integer', async () => {
    await expect(loadWorkspace(tempDir(), { maxChars: 0 })).rejects.toThrow(RangeError);
    await expect(loadWorkspace(tempDir(), { maxChars: 1.5 })).rejects.toThrow(RangeError);
  });
});

/**
 * Root reads any file, so as root the load runs in a child process as `nobody`; as another
 * user it runs here. Either way the file really is unreadable to the reader.
 */
async function loadUnprivileged(dir: string): Promise<LoadedWorkspace> {
  if (process.getuid?.() !== 0) return loadWorkspace(dir);
  chmodSync(dir, 0o755);
  const module = pathToFileURL(join(import.meta.dirname, 'workspace.ts')).href;
  const script = `const { loadWorkspace } = await import(${JSON.stringify(module)}); process.stdout.write(JSON.stringify(await loadWorkspace(${JSON.stringify(dir)})));`;
  const child = spawnSync(process.execPath, ['--conditions=@openclaw/source', '--input-type=module', '-e', script], {
    uid: 65534,
    gid: 65534,
    env: { PATH: process.env.PATH, HOME: dir },
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`child failed (${child.status}): ${child.stderr}`);
  return JSON.parse(child.stdout) as LoadedWorkspace;
}

describe('ensureWorkspace', () => {
  let umask: number;
  beforeAll(() => {
    umask = process.umask(0o022);
  });
  afterAll(() => {
    process.umask(umask);
  });

  it('creates a missing workspace (0700) with the template files (0600) and skills/', async () => {
    const dir = join(tempDir(), 'deep', 'workspace');
    const result = await ensureWorkspace(dir);
    expect(result.created).toEqual([dir, join(dir, 'AGENTS.md'), join(dir, 'SOUL.md'), join(dir, 'MEMORY.md'), join(dir, 'skills')]);
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, 'AGENTS.md'))).toBe(0o600);
    expect(mode(join(dir, 'skills'))).toBe(0o700);
    expect(readFileSync(join(dir, 'AGENTS.md'), 'utf8')).toBe(WORKSPACE_TEMPLATES[0]?.content);
    const loaded = await loadWorkspace(dir);
    expect(loaded.files.map((f) => f.name)).toEqual(['AGENTS.md', 'SOUL.md', 'MEMORY.md']);
  });

  it('leaves an existing workspace alone: nothing overwritten, nothing deleted brought back', async () => {
    const dir = workspaceWith({ 'AGENTS.md': 'my own rules' });
    expect(await ensureWorkspace(dir)).toEqual({ dir, created: [] });
    expect(readdirSync(dir)).toEqual(['AGENTS.md']);
    expect(readFileSync(join(dir, 'AGENTS.md'), 'utf8')).toBe('my own rules');
  });

  it('creates only the directory with skipBootstrap', async () => {
    const dir = join(tempDir(), 'ws');
    expect(await ensureWorkspace(dir, { skipBootstrap: true })).toEqual({ dir, created: [dir] });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('throws WorkspaceError WORKSPACE_CREATE when a file is in the way', async () => {
    const dir = join(tempDir(), 'ws');
    writeFileSync(dir, 'x');
    const error = await ensureWorkspace(join(dir, 'inner')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkspaceError);
    expect(error).toMatchObject({ code: 'WORKSPACE_CREATE', message: `cannot create ${join(dir, 'inner')} (ENOTDIR: not a directory)` });
    await expect(ensureWorkspace(dir)).rejects.toMatchObject({ code: 'WORKSPACE_CREATE' });
  });
});
