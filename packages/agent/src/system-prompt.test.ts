import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildSystemPrompt, formatNow } from './system-prompt.ts';
import type { SystemPromptInput } from './system-prompt.ts';
import { loadWorkspace } from './workspace.ts';
import { removeTempDirs, workspaceWith } from '../test/temp-workspace.ts';

const NOW = new Date('2026-02-03T13:05:42.123Z');

afterEach(removeTempDirs);

describe('buildSystemPrompt', () => {
  it('puts base prompt, files, skills, time and context, then extra instructions together in that order', () => {
    const input: SystemPromptInput = {
      agentName: 'Ignored when identity has a name',
      identity: { name: 'Claw', theme: 'a calm, precise butler', emoji: '🦞' },
      workspace: {
        dir: '/ws',
        files: [
          { name: 'AGENTS.md', path: '/ws/AGENTS.md', content: '# Rules\n\nBe brief.', truncated: false, originalChars: 17 },
          { name: 'memory.md', path: '/ws/memory.md', content: 'Likes tea.', truncated: false, originalChars: 10 },
        ],
        skills: [
          { name: 'weather', description: 'Forecasts.', path: '/ws/skills/weather/SKILL.md' },
          { name: 'bare', description: '', path: '/ws/skills/bare/SKILL.md' },
        ],
        skillsOmitted: 2,
      },
      now: NOW,
      timezone: 'Europe/Berlin',
      channel: 'telegram',
      chatType: 'group',
      extraSystemPrompt: '  Answer in German.  ',
    };
    expect(buildSystemPrompt(input)).toBe(`You are Claw, a personal assistant running in the OpenClaw gateway.
Persona: a calm, precise butler
Your signature emoji is 🦞.
People reach you through chat apps and the gateway; your reply is sent back to them as a chat message, so write for a chat.
Your workspace is /ws. Its files below were loaded at the start of this run: they say who you are, how to work, who you help and what you remember. When a file was cut, the rest is in the file itself.

# Workspace files

## AGENTS.md

# Rules

Be brief.

## memory.md

Likes tea.

# Skills

Each skill is a folder with a SKILL.md that says when and how to use it. Before you use a skill, read its SKILL.md.

- weather: Forecasts. (/ws/skills/weather/SKILL.md)
- bare (/ws/skills/bare/SKILL.md)
- … and 2 more in /ws/skills, not listed here.

# Context

Current date and time: 2026-02-03 14:05 (Tuesday), Europe/Berlin (UTC+01:00).
This message came through telegram, in a group chat.

# Additional instructions

Answer in German.`);
    expect(buildSystemPrompt(input)).toBe(buildSystemPrompt(structuredClone(input)));
  });

  it('leaves out what it has nothing for', () => {
    const prompt = buildSystemPrompt({ workspace: { dir: '/ws', files: [], skills: [], skillsOmitted: 0 }, now: NOW, extraSystemPrompt: ' \n' });
    expect(prompt).toBe(`You are a personal assistant running in the OpenClaw gateway.
People reach you through chat apps and the gateway; your reply is sent back to them as a chat message, so write for a chat.
Your workspace is /ws.

# Context

Current date and time: 2026-02-03 13:05 (Tuesday), UTC (UTC+00:00).`);
    expect(buildSystemPrompt({ agentName: 'Molty', workspace: { dir: '/ws', files: [], skills: [], skillsOmitted: 0 }, now: NOW, chatType: 'direct' })).toMatch(
      /^You are Molty, a personal assistant[\s\S]*\nThis message came in a direct \(one-to-one\) chat\.$/,
    );
  });

  it('carries a real workspace through: fixed order, front matter gone, truncation note, skills', async () => {
    const dir = workspaceWith({
      'MEMORY.md': 'm'.repeat(30),
      'USER.md': '---\nsummary: user\n---\nThe user is Ada.',
      'AGENTS.md': 'Agents first.',
      'SOUL.md': 'A kind soul.',
      'skills/notes/SKILL.md': '---\nname: notes\ndescription: Keep notes.\n---\n',
    });
    const prompt = buildSystemPrompt({ workspace: await loadWorkspace(dir, { maxChars: 20 }), now: NOW });
    const headings = [...prompt.matchAll(/^#{1,2} .*$/gm)].map((m) => m[0]);
    expect(headings).toEqual(['# Workspace files', '## AGENTS.md', '## SOUL.md', '## USER.md', '## MEMORY.md', '# Skills', '# Context']);
    expect(prompt).not.toContain('summary: user');
    expect(prompt).toContain(`## MEMORY.md\n\n${'m'.repeat(20)}\n\n[MEMORY.md truncated: 10 of its 30 characters were cut here. The full file is ${join(dir, 'MEMORY.md')}]`);
    expect(prompt).toContain(`- notes: Keep notes. (${join(dir, 'skills', 'notes', 'SKILL.md')})`);
  });
});

describe('formatNow', () => {
  it('gives the wall clock and offset of the zone, across DST and half-hour zones', () => {
    expect(formatNow(new Date('2026-07-03T13:05:00Z'), 'Europe/Berlin')).toBe('2026-07-03 15:05 (Friday), Europe/Berlin (UTC+02:00)');
    expect(formatNow(new Date('2026-02-03T23:30:00Z'), 'Asia/Kolkata')).toBe('2026-02-04 05:00 (Wednesday), Asia/Kolkata (UTC+05:30)');
    expect(formatNow(new Date('2026-02-03T02:00:00Z'), 'America/St_Johns')).toBe('2026-02-02 22:30 (Monday), America/St_Johns (UTC-03:30)');
    expect(formatNow(new Date('2026-02-03T00:00:59Z'), 'UTC')).toBe('2026-02-03 00:00 (Tuesday), UTC (UTC+00:00)');
  });

  it('falls back to UTC for an unknown zone and throws for an invalid date', () => {
    expect(formatNow(NOW, 'Mars/Olympus_Mons')).toBe('2026-02-03 13:05 (Tuesday), UTC (UTC+00:00)');
    expect(() => formatNow(new Date(Number.NaN))).toThrow(RangeError);
  });
});
