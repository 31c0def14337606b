import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listSkills } from './skills.ts';
import { removeTempDirs, workspaceWith } from '../test/temp-workspace.ts';

afterEach(removeTempDirs);

/** A workspace whose `skills/<dir>/SKILL.md` files have the given texts. */
const workspaceWithSkills = (skills: Record<string, string>): string =>
  workspaceWith(Object.fromEntries(Object.entries(skills).map(([name, text]) => [join('skills', name, 'SKILL.md'), text])));

describe('listSkills', () => {
  it('takes name and description from the front matter: plain, quoted, continued and block values', async () => {
    const dir = workspaceWithSkills({
      weather: '---\nname: weather-report\ndescription: Get the forecast for a city. # a comment\nmetadata:\n  emoji: "⛅"\n---\n# Weather\n\nUse wttr.in.\n',
      quoted: `---\nname: "Quoted \\"one\\""\ndescription: 'It''s quoted: yes'\n---\nbody\n`,
      folded: '---\nname: folded\ndescription: >\n  Spans two\n  lines.\nlicense: MIT\n---\n',
      plain: '---\nname: plain\ndescription: Starts here\n  and goes on.\n---\n',
    });
    const { skills, omitted, warnings } = await listSkills(dir);
    expect(skills).toEqual([
      { name: 'folded', description: 'Spans two lines.', path: join(dir, 'skills', 'folded', 'SKILL.md') },
      { name: 'plain', description: 'Starts here and goes on.', path: join(dir, 'skills', 'plain', 'SKILL.md') },
      { name: 'Quoted "one"', description: "It's quoted: yes", path: join(dir, 'skills', 'quoted', 'SKILL.md') },
      { name: 'weather-report', description: 'Get the forecast for a city.', path: join(dir, 'skills', 'weather', 'SKILL.md') },
    ]);
    expect([omitted, warnings]).toEqual([0, []]);
  });

  it('falls back to the folder name and the first line of the first paragraph that is not a heading', async () => {
    const dir = workspaceWithSkills({
      'git-helper': '# Git helper\n\n## Purpose\n\n  Commits and rebases for you.\nSecond line.\n',
      'half': '---\ndescription: only a description\n---\n',
      'bare': '',
    });
    const { skills } = await listSkills(dir);
    expect(skills.map(({ name, description }) => [name, description])).toEqual([
      ['bare', ''],
      ['git-helper', 'Commits and rebases for you.'],
      ['half', 'only a description'],
    ]);
  });

  it('ignores folders without SKILL.md, hidden folders and stray files; no skills/ is no skills', async () => {
    const dir = workspaceWithSkills({ real: 'real skill', '.hidden': 'hidden' });
    mkdirSync(join(dir, 'skills', 'empty'));
    writeFileSync(join(dir, 'skills', 'README.md'), 'not a skill');
    expect((await listSkills(dir)).skills.map((s) => s.name)).toEqual(['real']);
    expect(await listSkills(join(dir, 'skills', 'empty'))).toEqual({ skills: [], omitted: 0, warnings: [] });
  });

  it('sorts by name regardless of case and folder order, and caps the list with a note', async () => {
    const dir = workspaceWithSkills({ a: '---\nname: zeta\n---\n', b: '---\nname: Alpha\n---\n', c: '---\nname: beta\n---\n', d: 'delta' });
    const { skills, omitted, warnings } = await listSkills(dir, { maxSkills: 3 });
    expect(skills.map((s) => s.name)).toEqual(['Alpha', 'beta', 'd']);
    expect(omitted).toBe(1);
    expect(warnings).toEqual([`skills: 4 skills in ${join(dir, 'skills')}, only the first 3 by name are listed to the agent`]);
  });

  it('keeps descriptions on one line and cuts long ones', async () => {
    const dir = workspaceWithSkills({ long: `---\ndescription: "${'日本語'.repeat(10)}\\nnext"\n---\n` });
    const [skill] = (await listSkills(dir, { maxDescriptionChars: 12 })).skills;
    expect(skill?.description).toBe(`${'日本語'.repeat(4)}…`);
    const [whole] = (await listSkills(dir)).skills;
    expect(whole?.description).toBe(`${'日本語'.repeat(10)} next`);
  });

  it('warns about a SKILL.md that is a directory, and about skills/ being a file', async () => {
    const dir = workspaceWithSkills({ ok: 'fine' });
    mkdirSync(join(dir, 'skills', 'broken', 'SKILL.md'), { recursive: true });
    const listed = await listSkills(dir);
    expect(listed.skills.map((s) => s.name)).toEqual(['ok']);
    expect(listed.warnings).toEqual([`skills: cannot read ${join(dir, 'skills', 'broken', 'SKILL.md')} (EISDIR: a directory, not a file)`]);
    const fileDir = workspaceWithSkills({});
    writeFileSync(join(fileDir, 'skills'), 'oops');
    expect((await listSkills(fileDir)).warnings).toEqual([`skills: cannot list ${join(fileDir, 'skills')} (ENOTDIR: not a directory)`]);
  });
});
