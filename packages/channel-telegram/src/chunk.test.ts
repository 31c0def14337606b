import { describe, expect, it } from 'vitest';
import { splitText } from './chunk.ts';

describe('splitText', () => {
  it('keeps a text within the limit whole', () => {
    expect(splitText('hello', 5)).toEqual(['hello']);
  });

  it('breaks at the last newline, else the last space, in the second half of the window', () => {
    expect(splitText('aaaa\nbbbb cc', 10)).toEqual(['aaaa\nbbbb', 'cc']);
    expect(splitText('aaaaaa\nbbbbbbbbb', 10)).toEqual(['aaaaaa', 'bbbbbbbbb']);
    expect(splitText('one two three four', 10)).toEqual(['one two', 'three four']);
  });

  it('cuts hard when there is no break late enough, never inside a surrogate pair', () => {
    expect(splitText('a\nbcdefghijkl', 6)).toEqual(['a\nbcde', 'fghijk', 'l']);
    const emoji = '😀';
    const pieces = splitText(`abcd${emoji}efgh`, 5);
    expect(pieces).toEqual(['abcd', `${emoji}efg`, 'h']);
    expect(pieces.join('')).toBe(`abcd${emoji}efgh`);
  });

  it('every piece fits and nothing but break characters is lost', () => {
    const text = Array.from({ length: 200 }, (_, i) => (i % 7 === 0 ? 'line\n' : `word${i} `)).join('');
    const pieces = splitText(text, 64);
    expect(pieces.every((p) => p.length <= 64 && p.trim() !== '')).toBe(true);
    expect(pieces.join('').replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
  });

  it('drops whitespace-only pieces and rejects a limit below 2', () => {
    expect(splitText('   ', 10)).toEqual([]);
    expect(() => splitText('x', 1)).toThrow(RangeError);
  });
});
