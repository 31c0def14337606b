// Transcript entries → the conversation sent to a model.
import type { TranscriptEntry, TranscriptMessage } from '@openclaw/state';
import type { ChatMessage } from './providers/index.ts';

/** How much history a run sends at most (the newest messages win). */
export const HISTORY_DEFAULTS = Object.freeze({ maxMessages: 60, maxChars: 200_000 });

/** The text of a pi-ai message: a string, or its `text` parts joined. */
export function messageText(message: TranscriptMessage | undefined): string {
  if (!message) return '';
  const { content } = message;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((part): part is { type: 'text'; text: string } => typeof part === 'object' && part !== null && (part as { type?: unknown }).type === 'text' && typeof (part as { text?: unknown }).text === 'string')
    .map((part) => part.text)
    .join('');
}

/**
 * The conversation for a model: user and assistant text in order, consecutive messages of
 * one role merged (a failed run leaves a user message without a reply; providers want turns
 * to alternate), starting with a user message, cut to the newest `maxChars`.
 */
export function toChatMessages(entries: readonly TranscriptEntry[], limits: { maxChars?: number } = {}): ChatMessage[] {
  const maxChars = limits.maxChars ?? HISTORY_DEFAULTS.maxChars;
  const out: ChatMessage[] = [];
  for (const entry of entries) {
    const role = entry.message?.role;
    if (role !== 'user' && role !== 'assistant') continue;
    const text = messageText(entry.message);
    if (text.trim() === '') continue;
    const last = out.at(-1);
    if (last?.role === role) last.content = `${last.content}\n\n${text}`;
    else out.push({ role, content: text });
  }
  let total = 0;
  let start = out.length;
  while (start > 0 && total + (out[start - 1]?.content.length ?? 0) <= maxChars) {
    start -= 1;
    total += out[start]?.content.length ?? 0;
  }
  const kept = out.slice(start);
  while (kept[0]?.role === 'assistant') kept.shift();
  return kept;
}

/** `history` with the new user message at its end (merged into a trailing user message). */
export function withUserMessage(history: readonly ChatMessage[], text: string): ChatMessage[] {
  const out = history.map((m) => ({ ...m }));
  const last = out.at(-1);
  if (last?.role === 'user') last.content = `${last.content}\n\n${text}`;
  else out.push({ role: 'user', content: text });
  return out;
}
