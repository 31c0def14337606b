import { describe, expect, it } from 'vitest';
import { chunkText } from './chunk.ts';

const words = (n: number) => Array.from({ length: n }, (_, i) => `word${i}`).join(' ');

describe('chunkText', () => {
  it('leaves a short text alone', () => {
    expect(chunkText('hello', { limit: 4096 })).toEqual(['hello']);
    expect(chunkText('', { limit: 100 })).toEqual(['']);
  });

  it('never exceeds the limit and never cuts a word', () => {
    const text = words(2000);
    for (const limit of [50, 333, 2000, 4096]) {
      const chunks = chunkText(text, { limit });
      for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(limit);
      expect(chunks.join(' ')).toBe(text);
    }
  });

  it('prefers paragraph ends, then line ends', () => {
    const para = (c: string) => `${c.repeat(30)} ${c.repeat(30)}`;
    const text = `${para('a')}\n\n${para('b')}\nsame paragraph\n\n${para('c')}`;
    const chunks = chunkText(text, { limit: 100 });
    expect(chunks[0]).toBe(para('a'));
    expect(chunks[1]).toBe(`${para('b')}\nsame paragraph`);
    expect(chunks[2]).toBe(para('c'));
  });

  it('cuts a word longer than a message, but not inside a surrogate pair', () => {
    const chunks = chunkText('x'.repeat(45), { limit: 20 });
    expect(chunks.join('')).toBe('x'.repeat(45));
    const emoji = '😀'.repeat(30);
    const parts = chunkText(emoji, { limit: 21 });
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(21);
      expect(part).toBe([...part].join(''));
      expect(/^(?:\uD83D\uDE00)+$/.test(part)).toBe(true);
    }
    expect(parts.join('')).toBe(emoji);
  });

  it('closes a code block at the end of a message and reopens it with its language in the next', () => {
    const code = Array.from({ length: 40 }, (_, i) => `  const v${i} = ${i};`).join('\n');
    const text = `Here is the code:\n\n\`\`\`ts\n${code}\n\`\`\`\n\nThat is all.`;
    const chunks = chunkText(text, { limit: 300 });
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(300);
      const fences = chunk.split('\n').filter((line) => line.startsWith('```'));
      expect(fences.length % 2).toBe(0);
    }
    expect(chunks[1]?.startsWith('```ts\n')).toBe(true);
    expect(chunks.at(-1)?.endsWith('That is all.')).toBe(true);
    // Every code line arrives once, with its indentation.
    const lines = chunks.join('\n').split('\n').filter((line) => line.startsWith('  const'));
    expect(lines).toEqual(code.split('\n'));
  });

  it('caps the lines of a message (Discord)', () => {
    const text = Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n');
    const chunks = chunkText(text, { limit: 2000, maxLines: 17 });
    expect(chunks.map((chunk) => chunk.split('\n').length)).toEqual([17, 17, 16]);
    expect(chunks.join('\n')).toBe(text);
  });

  it('counts the closing fence against the line cap', () => {
    const code = Array.from({ length: 40 }, (_, i) => `x${i}`).join('\n');
    const chunks = chunkText(`\`\`\`\n${code}\n\`\`\``, { limit: 2000, maxLines: 17 });
    for (const chunk of chunks) {
      expect(chunk.split('\n').length).toBeLessThanOrEqual(17);
      expect(chunk.split('\n').filter((line) => line.startsWith('```')).length % 2).toBe(0);
    }
    expect(chunks.join('\n').split('\n').filter((line) => /^x\d+$/.test(line))).toEqual(code.split('\n'));
  });
});
