import { join } from 'node:path';
import type { ChatType } from '@openclaw/gateway-core';
import type { LoadedWorkspace } from './workspace.ts';

/** How the agent presents itself (`agents.list[].identity`). */
export interface AgentIdentity {
  name?: string | undefined;
  /** A one-line persona, e.g. "a calm, precise butler". */
  theme?: string | undefined;
  emoji?: string | undefined;
}

/** Input of {@link buildSystemPrompt}. */
export interface SystemPromptInput {
  /** `agents.list[].name`; `identity.name` wins when both are set. */
  agentName?: string | undefined;
  identity?: AgentIdentity | undefined;
  /** What {@link loadWorkspace} read. Only `dir`, `files`, `skills` and `skillsOmitted` are used. */
  workspace: Pick<LoadedWorkspace, 'dir' | 'files' | 'skills' | 'skillsOmitted'>;
  /** The time to state as "now". */
  now: Date;
  /** IANA time zone the time is given in (`Europe/Berlin`); UTC when missing or unknown. */
  timezone?: string | undefined;
  /** Where the message came from: a channel id such as `telegram`. */
  channel?: string | undefined;
  chatType?: ChatType | undefined;
  /** Appended last (a group's or channel's own system prompt, `extraSystemPrompt`). */
  extraSystemPrompt?: string | undefined;
}

const oneLine = (text: string | undefined): string => (text ?? '').replace(/\s+/g, ' ').trim();

function baseSection(input: SystemPromptInput): string {
  const name = oneLine(input.identity?.name) || oneLine(input.agentName);
  const theme = oneLine(input.identity?.theme);
  const emoji = oneLine(input.identity?.emoji);
  const lines = [
    `You are ${name ? `${name}, ` : ''}a personal assistant running in the OpenClaw gateway.`,
    ...(theme ? [`Persona: ${theme}`] : []),
    ...(emoji ? [`Your signature emoji is ${emoji}.`] : []),
    'People reach you through chat apps and the gateway; your reply is sent back to them as a chat message, so write for a chat.',
    input.workspace.files.length > 0
      ? `Your workspace is ${input.workspace.dir}. Its files below were loaded at the start of this run: they say who you are, how to work, who you help and what you remember. When a file was cut, the rest is in the file itself.`
      : `Your workspace is ${input.workspace.dir}.`,
  ];
  return lines.join('\n');
}

function filesSection(workspace: SystemPromptInput['workspace']): string | undefined {
  if (workspace.files.length === 0) return undefined;
  return ['# Workspace files', ...workspace.files.map((file) => `## ${file.name}\n\n${file.content}`)].join('\n\n');
}

function skillsSection(workspace: SystemPromptInput['workspace']): string | undefined {
  if (workspace.skills.length === 0 && workspace.skillsOmitted === 0) return undefined;
  const lines = workspace.skills.map((skill) => `- ${skill.name}${skill.description ? `: ${skill.description}` : ''} (${skill.path})`);
  if (workspace.skillsOmitted > 0) lines.push(`- … and ${workspace.skillsOmitted} more in ${join(workspace.dir, 'skills')}, not listed here.`);
  const intro = 'Each skill is a folder with a SKILL.md that says when and how to use it. Before you use a skill, read its SKILL.md.';
  return `# Skills\n\n${intro}\n\n${lines.join('\n')}`;
}

const pad = (n: number) => String(n).padStart(2, '0');

const NOW_FORMAT = { hourCycle: 'h23', weekday: 'long', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' } as const;

// Building an Intl.DateTimeFormat costs about a third of a millisecond, on every run's
// prompt: keep one per zone (a handful at most).
const zoneFormats = new Map<string, [string, Intl.DateTimeFormat]>();

function zoneFormat(timezone: string | undefined): [string, Intl.DateTimeFormat] {
  const zone = timezone?.trim() || 'UTC';
  let format = zoneFormats.get(zone);
  if (!format) {
    try {
      format = [zone, new Intl.DateTimeFormat('en-US', { ...NOW_FORMAT, timeZone: zone })];
    } catch {
      // An unknown zone name (RangeError): say UTC rather than fail the run.
      format = ['UTC', new Intl.DateTimeFormat('en-US', { ...NOW_FORMAT, timeZone: 'UTC' })];
    }
    if (zoneFormats.size < 32) zoneFormats.set(zone, format);
  }
  return format;
}

/**
 * `2026-02-03 14:05 (Tuesday), Europe/Berlin (UTC+01:00)`: assembled from numbers, so the
 * wording of the ICU version at hand never changes the text.
 *
 * @throws RangeError for an invalid date.
 */
export function formatNow(now: Date, timezone?: string): string {
  const [zone, format] = zoneFormat(timezone);
  const parts = new Map(format.formatToParts(now).map((part) => [part.type, part.value]));
  const num = (type: Intl.DateTimeFormatPartTypes) => Number(parts.get(type));
  const [year, month, day, hour, minute] = [num('year'), num('month'), num('day'), num('hour') % 24, num('minute')];
  const wallAsUtc = Date.UTC(year, month - 1, day, hour, minute, num('second'));
  const offset = Math.round((wallAsUtc - Math.floor(now.getTime() / 1000) * 1000) / 60_000);
  const sign = offset < 0 ? '-' : '+';
  const utcOffset = `UTC${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  return `${year}-${pad(month)}-${pad(day)} ${pad(hour)}:${pad(minute)} (${parts.get('weekday')}), ${zone} (${utcOffset})`;
}

const CHAT_TYPES: Record<ChatType, string> = { direct: 'a direct (one-to-one) chat', group: 'a group chat', channel: 'a channel' };

function contextSection(input: SystemPromptInput): string {
  const lines = [`Current date and time: ${formatNow(input.now, input.timezone)}.`];
  const channel = oneLine(input.channel);
  const chat = input.chatType ? CHAT_TYPES[input.chatType] : undefined;
  if (channel || chat) lines.push(`This message came ${[channel && `through ${channel}`, chat && `in ${chat}`].filter(Boolean).join(', ')}.`);
  return `# Context\n\n${lines.join('\n')}`;
}

/**
 * The system prompt of one agent run, in this order: the base prompt (who the agent is and
 * where it runs), each workspace bootstrap file under its file name, the skills with the path
 * of each SKILL.md, the current date and time (and where the message came from), then
 * `extraSystemPrompt`. Pure: the same input gives the same text.
 */
export function buildSystemPrompt(input: SystemPromptInput): string {
  const extra = input.extraSystemPrompt?.trim();
  return [
    baseSection(input),
    filesSection(input.workspace),
    skillsSection(input.workspace),
    contextSection(input),
    extra ? `# Additional instructions\n\n${extra}` : undefined,
  ]
    .filter((section): section is string => section !== undefined)
    .join('\n\n');
}
