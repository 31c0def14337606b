import { parseJson5 } from '@openclaw/config';
import { describe, expect, it } from 'vitest';
import { applyMergePatch, deepEqual, isSecretLocation, mapScalars, redactRawText, redactValue, restoreRedacted, scrubSecrets } from './config-text.ts';

describe('isSecretLocation', () => {
  it('knows the config layer secret keys and credential-carrying HTTP header names', () => {
    for (const path of [['gateway', 'auth', 'token'], ['channels', 'telegram', 'botToken'], ['env', 'OPENAI_API_KEY'], ['h', 'Authorization'], ['h', 'x-api-key'], ['h', 'X-Auth-Token'], ['hooks', 'token', 'nested']]) {
      expect(isSecretLocation(path), path.join('.')).toBe(true);
    }
    for (const path of [['models', 'x', 'maxTokens'], ['channels', 'telegram', 'tokenFile'], ['gateway', 'port'], ['h', 'x-request-id']]) {
      expect(isSecretLocation(path), path.join('.')).toBe(false);
    }
  });
});

describe('mapScalars', () => {
  it('sees values with their paths through comments, quoted keys, escapes and trailing commas', () => {
    const text = `{
      // "token": "not a value", /* neither */
      'a.b': { "say \\"hi\\"": 'it\\'s // not a comment', list: [1, /* x */ 'two', { k: null },], },
      n: -Infinity,
    }`;
    const seen: [string, string][] = [];
    mapScalars(text, (path, token) => void seen.push([JSON.stringify(path), token]));
    expect(seen).toEqual([
      ['["a.b","say \\"hi\\""]', "'it\\'s // not a comment'"],
      ['["a.b","list",0]', '1'],
      ['["a.b","list",1]', "'two'"],
      ['["a.b","list",2,"k"]', 'null'],
      ['["n"]', '-Infinity'],
    ]);
  });

  it('throws on text that is not JSON5 rather than guessing', () => {
    expect(() => mapScalars('{ a: "open', () => undefined)).toThrow('unterminated string');
    expect(() => mapScalars('{ a: 1 /* open', () => undefined)).toThrow('unterminated comment');
  });
});

describe('redactRawText', () => {
  it('redacts strings and numbers at secret locations, inside lists too, and nothing else', () => {
    const text = "{ auth: { password: 123456, token: '' }, tokens: { token: ['a-secret', \"b-secret\"] }, name: 'token' }";
    expect(redactRawText(text)).toBe("{ auth: { password: \"[redacted]\", token: '' }, tokens: { token: ['[redacted]', \"[redacted]\"] }, name: 'token' }");
  });

  it('returns blank text as is and null for text that is not JSON5', () => {
    expect(redactRawText('  \n')).toBe('  \n');
    expect(redactRawText('{ token: "abc" ')).toBeNull();
  });
});

describe('restoreRedacted', () => {
  it('puts the current values back in the quote style of the placeholder, escaping as needed', () => {
    const current = { a: { token: `it's "quoted" \\ here` }, b: { password: 42 } };
    const restored = restoreRedacted("{ a: { token: '[redacted]' }, b: { password: \"[redacted]\" }, c: '[redacted]' }", current);
    expect(restored.missing).toEqual([]);
    expect(parseJson5(restored.text, 'test')).toEqual({ ...current, c: '[redacted]' });
    expect(restored.text).toContain("token: 'it\\'s \"quoted\" \\\\ here'");
  });

  it('reports placeholders with nothing to restore', () => {
    expect(restoreRedacted('{ x: { apiKey: "[redacted]" } }', {}).missing).toEqual([['x', 'apiKey']]);
  });
});

describe('applyMergePatch', () => {
  it('fills placeholders inside replaced lists from the current value and keeps the rest of the patch', () => {
    const text = '{ h: { token: ["one", "two"] } }';
    const out = applyMergePatch(text, parseJson5(text, 't'), { h: { token: ['[redacted]', 'three'] } });
    expect(out.missing).toEqual([]);
    expect(parseJson5(out.text, 't')).toEqual({ h: { token: ['one', 'three'] } });
  });

  it('replaces a scalar by an object without the patch nulls (RFC 7396)', () => {
    const out = applyMergePatch('{ a: 1 }', { a: 1 }, { a: { b: null, c: { d: null, e: 2 } } });
    expect(parseJson5(out.text, 't')).toEqual({ a: { c: { e: 2 } } });
  });

  it('never follows inherited members', () => {
    const out = applyMergePatch('{}', {}, JSON.parse('{"__proto__": {"x": 1}}') as Record<string, unknown>);
    expect(parseJson5(out.text, 't')).toEqual(JSON.parse('{"__proto__": {"x": 1}}'));
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('value helpers', () => {
  it('redacts a copy, scrubs messages and compares structurally', () => {
    expect(redactValue({ a: { apiKey: 'k-123', n: 1 }, l: [{ secret: 5 }] })).toEqual({ a: { apiKey: '[redacted]', n: 1 }, l: [{ secret: '[redacted]' }] });
    expect(scrubSecrets('found string "abc" and abcdef-token', ['abc', 'abcdef-token'])).toBe('found string "[redacted]" and [redacted]');
    expect(deepEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(deepEqual({ a: [1] }, { a: [1], b: undefined })).toBe(false);
  });
});
