import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { cutChars, errorReason, parseSimpleYaml, readTextFile, splitFrontMatter } from './workspace-text.ts';

/** One skill of a workspace: a folder `skills/<dir>/` holding a `SKILL.md`. */
export interface SkillEntry {
  /** `name:` of the SKILL.md front matter, else the folder name. */
  name: string;
  /**
   * `description:` of the front matter, else the first line of the body that is neither blank
   * nor a heading; `''` when there is neither. One line, at most `maxDescriptionChars`.
   */
  description: string;
  /** Absolute path of the SKILL.md, for the agent to read before it uses the skill. */
  path: string;
}

/** The skills of a workspace, sorted by name and capped. */
export interface SkillList {
  /** At most `maxSkills`, sorted by name (case-insensitively, then exactly, then by path). */
  skills: SkillEntry[];
  /** How many skills were found beyond `maxSkills` and left out. */
  omitted: number;
  /** Problems worth telling the operator (an unreadable SKILL.md, skills left out). */
  warnings: string[];
}

/** Options of {@link listSkills}. */
export interface ListSkillsOptions {
  /** How many skills are listed at most; the rest are counted in `omitted`. */
  maxSkills?: number | undefined;
  /** Longer descriptions are cut and end in `…`. */
  maxDescriptionChars?: number | undefined;
}

/** Defaults of {@link ListSkillsOptions}. */
export const SKILL_DEFAULTS = Object.freeze({ maxSkills: 100, maxDescriptionChars: 300 });

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

function shorten(text: string, maxChars: number): string {
  const cut = cutChars(text, maxChars);
  return cut.truncated ? `${cut.text.trimEnd()}…` : text;
}

function firstParagraphLine(body: string): string {
  for (const line of body.split('\n')) {
    const trimmed = line.trim();
    if (trimmed !== '' && !trimmed.startsWith('#')) return trimmed;
  }
  return '';
}

function byName(a: SkillEntry, b: SkillEntry): number {
  const folded = (x: string) => x.toLowerCase();
  for (const [x, y] of [[folded(a.name), folded(b.name)], [a.name, b.name], [a.path, b.path]] as const) {
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * Lists the skills of a workspace: every folder `<workspaceDir>/skills/<dir>/` with a
 * `SKILL.md`. Folders without one (and hidden ones) are not skills and are skipped silently,
 * as is a workspace without `skills/`. Never throws: an unreadable SKILL.md or `skills/`
 * becomes a warning.
 */
export async function listSkills(workspaceDir: string, options: ListSkillsOptions = {}): Promise<SkillList> {
  const maxSkills = options.maxSkills ?? SKILL_DEFAULTS.maxSkills;
  const maxDescriptionChars = options.maxDescriptionChars ?? SKILL_DEFAULTS.maxDescriptionChars;
  const skillsDir = join(workspaceDir, 'skills');
  const warnings: string[] = [];
  let dirs: string[];
  try {
    dirs = (await readdir(skillsDir)).filter((name) => !name.startsWith('.')).sort();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT') return { skills: [], omitted: 0, warnings };
    return { skills: [], omitted: 0, warnings: [`skills: cannot list ${skillsDir} (${errorReason(error)})`] };
  }
  const found: SkillEntry[] = [];
  for (const dir of dirs) {
    const path = join(skillsDir, dir, 'SKILL.md');
    const read = await readTextFile(path);
    if (read.kind === 'missing') continue;
    if (read.kind === 'unreadable') {
      warnings.push(`skills: cannot read ${path} (${read.reason})`);
      continue;
    }
    if (read.invalidUtf8) warnings.push(`skills: ${path} is not valid UTF-8 (invalid bytes read as U+FFFD)`);
    const { frontMatter, body } = splitFrontMatter(read.text);
    const meta = parseSimpleYaml(frontMatter);
    const name = oneLine(meta.get('name') ?? '') || dir;
    const description = oneLine(meta.get('description') ?? '') || oneLine(firstParagraphLine(body));
    found.push({ name, description: shorten(description, maxDescriptionChars), path });
  }
  found.sort(byName);
  const omitted = Math.max(0, found.length - maxSkills);
  if (omitted > 0) warnings.push(`skills: ${found.length} skills in ${skillsDir}, only the first ${maxSkills} by name are listed to the agent`);
  return { skills: found.slice(0, maxSkills), omitted, warnings };
}
