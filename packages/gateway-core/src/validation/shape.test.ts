import { describe, expect, it } from 'vitest';
import * as v from './shape.ts';

const messages = (result: v.ParseResult<unknown>): string[] => (result.ok ? [] : result.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));

describe('shape validators', () => {
  it('checks objects field by field, dropping unknown keys and leaving absent optional keys absent', () => {
    const schema = v.object({ id: v.string({ min: 1 }), note: v.optional(v.string()), limit: v.withDefault(v.int({ min: 1 }), 5) });
    expect(v.parse(schema, { id: 'a', extra: 1 })).toEqual({ ok: true, value: { id: 'a', limit: 5 } });
    const parsed = v.parse(schema, { id: 'a' });
    expect(parsed.ok && Object.keys(parsed.value)).toEqual(['id', 'limit']);
    expect(messages(v.parse(schema, { id: '', note: 3, limit: 0 }))).toEqual(['id: expected a non-empty string', 'note: expected a string, got number 3', 'limit: expected a number >= 1, got number 0']);
    expect(messages(v.parse(schema, undefined))).toEqual([': required (an object)']);
    expect(messages(v.parse(schema, ['a']))).toEqual([': expected an object, got an array']);
  });

  it('phrases number problems for the client', () => {
    expect(messages(v.parse(v.int({ max: 10 }), 11))).toEqual([': expected a number <= 10, got number 11']);
    expect(messages(v.parse(v.int(), 1.5))).toEqual([': expected an integer, got number 1.5']);
    expect(messages(v.parse(v.int(), '2'))).toEqual([': expected a number, got string "2"']);
    expect(messages(v.parse(v.number({ positive: true }), 0))).toEqual([': expected a number > 0, got number 0']);
    expect(messages(v.parse(v.number(), Number.NaN))).toEqual([': expected a number, got number NaN']);
    expect(v.parse(v.number({ positive: true }), 0.5)).toEqual({ ok: true, value: 0.5 });
  });

  it('trims strings before measuring them, with an optional message of its own', () => {
    const key = v.string({ trim: true, min: 1, tooShort: 'key must not be empty' });
    expect(v.parse(key, '  main ')).toEqual({ ok: true, value: 'main' });
    expect(messages(v.parse(key, '   '))).toEqual([': key must not be empty']);
  });

  it('checks arrays item by item and by length', () => {
    const keys = v.array(v.string({ min: 1 }), { min: 1, max: 2 });
    expect(messages(v.parse(keys, []))).toEqual([': expected at least 1 item']);
    expect(messages(v.parse(keys, ['a', 'b', 'c']))).toEqual([': expected at most 2 items, got 3']);
    expect(messages(v.parse(keys, ['a', '']))).toEqual(['1: expected a non-empty string']);
    expect(messages(v.parse(keys, 'a'))).toEqual([': expected an array, got string "a"']);
  });

  it('keeps a "__proto__" key of a record a plain key', () => {
    const parsed = v.parse(v.record(v.boolean()), JSON.parse('{"__proto__":{"polluted":true},"camera":true}'));
    expect(parsed.ok).toBe(false);
    const flags = v.parse(v.record(v.boolean()), JSON.parse('{"__proto__":true,"camera":false}'));
    expect(flags.ok && Object.getPrototypeOf(flags.value)).toBe(Object.prototype);
    expect(flags.ok && Object.entries(flags.value)).toEqual([['__proto__', true], ['camera', false]]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('matches literals and the first passing member of a union', () => {
    expect(messages(v.parse(v.literal('req'), 'res'))).toEqual([': expected "req", got string "res"']);
    const raw = v.union(v.string(), v.record(v.unknown()));
    expect(v.parse(raw, { a: 1 })).toEqual({ ok: true, value: { a: 1 } });
    expect(messages(v.parse(raw, 5))).toEqual([': expected a string or an object, got number 5']);
  });

  it('never echoes a value under a secret-looking key', () => {
    const schema = v.object({ auth: v.object({ token: v.string() }), signature: v.string() });
    expect(messages(v.parse(schema, { auth: { token: 12345 }, signature: 'x'.repeat(5) }))).toEqual(['auth.token: expected a string, got number']);
    expect(messages(v.parse(v.object({ password: v.int() }), { password: 1.5 }))).toEqual(['password: expected an integer, got number']);
  });

  it('is a Standard Schema', async () => {
    const schema = v.object({ id: v.string() });
    expect(schema['~standard']).toMatchObject({ version: 1, vendor: 'openclaw' });
    expect(await schema['~standard'].validate({ id: 'a', x: 1 })).toEqual({ value: { id: 'a' } });
    expect(await schema['~standard'].validate({})).toEqual({ issues: [{ code: 'invalid_type', path: ['id'], message: 'required (a string)' }] });
  });
});
