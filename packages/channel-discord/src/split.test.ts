import { describe, expect, it } from 'vitest';
import { splitMessage } from './split.ts';

const limits = { maxChars: 2000, maxLines: 17 };

describe('splitMessage', () => {
  it('leaves a message within the limits alone', () => {
    expect(splitMessage('hello\nworld', limits)).toEqual(['hello\nworld']);
  });

  it('splits at line breaks by line count', () => {
    const lines = Array.from({ length: 40 }, (_, i) => `line ${i + 1}`);
    const parts = splitMessage(lines.join('\n'), limits);
    expect(parts.map((p) => p.split('\n').length)).toEqual([17, 17, 6]);
    expect(parts.join('\n')).toBe(lines.join('\n'));
  });

  it('splits by characters at line breaks, then at spaces, then anywhere', () => {
    const words = Array.from({ length: 900 }, (_, i) => `w${i % 10}`).join(' ');
    const parts = splitMessage(words, limits);
    expect(parts.every((p) => p.length <= 2000)).toBe(true);
    expect(parts.join(' ')).toBe(words);
    expect(splitMessage('x'.repeat(4500), limits).map((p) => p.length)).toEqual([2000, 2000, 500]);
    expect(splitMessage(`${'a'.repeat(1500)}\n${'b'.repeat(1500)}`, limits)).toEqual(['a'.repeat(1500), 'b'.repeat(1500)]);
  });

  it('never cuts a surrogate pair and drops blank parts', () => {
    const parts = splitMessage(`${'x'.repeat(3)}😀😀`, { maxChars: 4, maxLines: 17 });
    expect(parts).toEqual(['xxx', '😀😀']);
    expect(splitMessage('one\n\n\n\ntwo', { maxChars: 2000, maxLines: 2 })).toEqual(['one\n', 'two']);
    expect(splitMessage(' \n ', limits)).toEqual([]);
  });
});
