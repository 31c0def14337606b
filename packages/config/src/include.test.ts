import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.ts';
import { MAX_INCLUDE_DEPTH, resolveIncludes } from './include.ts';
import { parseJson5 } from './parse.ts';

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'oc-include-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function load(dir: string, name = 'openclaw.json') {
  const file = join(dir, name);
  return resolveIncludes(parseJson5(readFileSync(file, 'utf8'), file), file, (p) => readFileSync(p, 'utf8'));
}

function includeError(dir: string): ConfigError {
  try {
    load(dir);
  } catch (error) {
    return error as ConfigError;
  }
  throw new Error('expected an include error');
}

describe('$include', () => {
  it('merges an included file under sibling keys, paths relative to the including file', () => {
    const dir = tree({
      'openclaw.json': '{ $include: "./parts/base.json5", gateway: { port: 19000 } }',
      'parts/base.json5': '{ gateway: { port: 18789, bind: "lan" }, agents: { list: [{ id: "a" }] }, $include: "more.json5" }',
      'parts/more.json5': '{ agents: { list: [{ id: "b" }] } }',
    });
    const { value, origin } = load(dir);
    expect(value).toEqual({ gateway: { port: 19000, bind: 'lan' }, agents: { list: [{ id: 'b' }, { id: 'a' }] } });
    expect(origin).toEqual({
      gateway: { port: join(dir, 'openclaw.json'), bind: join(dir, 'parts/base.json5') },
      agents: { list: [{ id: join(dir, 'parts/more.json5') }, { id: join(dir, 'parts/base.json5') }] },
    });
  });

  it('takes a list of files; later files win, arrays concatenate', () => {
    const dir = tree({
      'openclaw.json': '{ channels: { $include: ["a.json5", "b.json5"] } }',
      'a.json5': '{ telegram: { botToken: "1", allowFrom: [1] } }',
      'b.json5': '{ telegram: { botToken: "2", allowFrom: [2] } }',
    });
    expect(load(dir).value).toEqual({ channels: { telegram: { botToken: '2', allowFrom: [1, 2] } } });
  });

  it('reports a cycle with the chain of files', () => {
    const dir = tree({ 'openclaw.json': '{ $include: "a.json5" }', 'a.json5': '{ $include: "b.json5" }', 'b.json5': '{ $include: "a.json5" }' });
    const error = includeError(dir);
    expect(error.code).toBe('CONFIG_INCLUDE');
    expect(error.message).toBe(`circular $include: ${join(dir, 'a.json5')} -> ${join(dir, 'b.json5')} -> ${join(dir, 'a.json5')}`);
  });

  it(`allows ${MAX_INCLUDE_DEPTH} nested includes and refuses one more`, () => {
    const files: Record<string, string> = { 'openclaw.json': '{ $include: "f1.json5" }' };
    for (let i = 1; i <= MAX_INCLUDE_DEPTH; i++) files[`f${i}.json5`] = i < MAX_INCLUDE_DEPTH ? `{ $include: "f${i + 1}.json5", v${i}: ${i} }` : `{ v${i}: ${i} }`;
    const ok = load(tree(files)).value as Record<string, number>;
    expect(ok[`v${MAX_INCLUDE_DEPTH}`]).toBe(MAX_INCLUDE_DEPTH);

    files[`f${MAX_INCLUDE_DEPTH}.json5`] = `{ $include: "f${MAX_INCLUDE_DEPTH + 1}.json5" }`;
    files[`f${MAX_INCLUDE_DEPTH + 1}.json5`] = '{ deep: true }';
    expect(includeError(tree(files)).message).toMatch(/^\$include nested deeper than 10 files/);
  });

  it('names the including file and the path of a missing include', () => {
    const dir = tree({ 'openclaw.json': '{ $include: "nope.json5" }' });
    const error = includeError(dir);
    expect(error.message).toBe(`${join(dir, 'openclaw.json')}: cannot read $include "nope.json5" (${join(dir, 'nope.json5')}): file not found`);
    expect(error.hint).toMatch(/relative paths start from the including file/);
  });

  it('reports JSON5 errors inside an included file with that file\'s location', () => {
    const dir = tree({ 'openclaw.json': '{ $include: "bad.json5" }', 'bad.json5': '{\n  a: ,\n}' });
    const error = includeError(dir);
    expect(error.code).toBe('CONFIG_PARSE');
    expect(error.message.split('\n')[0]).toBe(`${join(dir, 'bad.json5')}:2:6: invalid character ','`);
  });

  it('refuses a non-object include beside sibling keys, and a non-string spec', () => {
    expect(includeError(tree({ 'openclaw.json': '{ x: { $include: "l.json5", y: 1 } }', 'l.json5': '[1]' })).message).toMatch(/must bring an object, but it brings an array/);
    expect(includeError(tree({ 'openclaw.json': '{ $include: 42 }' })).message).toMatch(/"\$include" must be a path or a list of paths, found 42/);
  });

  it('lets a lone include bring any value', () => {
    const dir = tree({ 'openclaw.json': '{ gateway: { trustedProxies: { $include: "proxies.json5" } } }', 'proxies.json5': '["10.0.0.1"]' });
    expect(load(dir).value).toEqual({ gateway: { trustedProxies: ['10.0.0.1'] } });
  });

  it('keeps __proto__ as data', () => {
    const dir = tree({ 'openclaw.json': '{ $include: "p.json5", a: 1 }', 'p.json5': '{ "__proto__": { polluted: true } }' });
    const { value } = load(dir);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });
});
