import { describe, expect, it } from 'vitest';
import type { ConfigPath } from './config-path.ts';
import { formatConfigPath, parseConfigPath } from './config-path.ts';
import { ConfigError } from './errors.ts';

function pathError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfigPath', () => {
  it.each<[string, ConfigPath]>([
    ['gateway', ['gateway']],
    ['gateway.auth.token', ['gateway', 'auth', 'token']],
    ['agents.list[0].id', ['agents', 'list', 0, 'id']],
    ['agents.list[12]', ['agents', 'list', 12]],
    ['a[0][1].b', ['a', 0, 1, 'b']],
    ['[0].a', [0, 'a']],
    ['channels.telegram.groups["-100.5"].requireMention', ['channels', 'telegram', 'groups', '-100.5', 'requireMention']],
    ["channels.telegram.groups['-100.5']", ['channels', 'telegram', 'groups', '-100.5']],
    ['a["b"]["c"]', ['a', 'b', 'c']],
    ['["my key"].x', ['my key', 'x']],
    ['a[""]', ['a', '']],
    ['channels.my-bot.token', ['channels', 'my-bot', 'token']],
    ['env.$HOME', ['env', '$HOME']],
    ['a.-1', ['a', '-1']],
    ['modèle.clé', ['modèle', 'clé']],
  ])('parses %s', (expr, expected) => {
    expect(parseConfigPath(expr)).toEqual(expected);
  });

  it('keeps numeric segments after a dot as string keys; only [n] is an index', () => {
    expect(parseConfigPath('a.0')).toEqual(['a', '0']);
    expect(parseConfigPath('ports.8080.enabled')).toEqual(['ports', '8080', 'enabled']);
    expect(parseConfigPath('a[0]')).toEqual(['a', 0]);
    expect(typeof parseConfigPath('a.0')[1]).toBe('string');
    expect(typeof parseConfigPath('a[0]')[1]).toBe('number');
  });

  it('decodes escapes in quoted keys', () => {
    expect(parseConfigPath('a["q\\"uote"]')).toEqual(['a', 'q"uote']);
    expect(parseConfigPath("a['it\\'s']")).toEqual(['a', "it's"]);
    expect(parseConfigPath('a["back\\\\slash"]')).toEqual(['a', 'back\\slash']);
    expect(parseConfigPath('a["\\u0041\\n\\t"]')).toEqual(['a', 'A\n\t']);
    expect(parseConfigPath('a["x]y.z[w"]')).toEqual(['a', 'x]y.z[w']);
    expect(parseConfigPath(`a["it's"]`)).toEqual(['a', "it's"]);
  });

  it('names the expression and the problem for "a..b"', () => {
    const error = pathError(() => parseConfigPath('a..b'));
    expect(error.code).toBe('CONFIG_PATH');
    expect(error.message).toBe('invalid config path "a..b": empty key after "a"');
    expect(error.hint).toMatch(/agents\.list\[0\]\.id/);
  });

  it.each<[string, RegExp]>([
    ['', /^invalid config path "": the path is empty$/],
    ['.a', /^invalid config path "\.a": empty key at the start$/],
    ['a.', /empty key after "a" \(the path ends with "\."\)/],
    ['a.b.', /empty key after "a\.b"/],
    ['a.[0]', /empty key after "a"/],
    ['a[0', /unclosed "\[" after "a"/],
    ['a["b', /unclosed " in the bracket after "a"/],
    ["a['b", /unclosed ' in the bracket after "a"/],
    ['a["b"', /expected "\]" after the quoted key after "a"/],
    ['a["b"x]', /expected "\]" after the quoted key/],
    ['a[-1]', /expected a list index \(a non-negative integer\) or a quoted key inside \[\.\.\.\] after "a" but found "-1"/],
    ['a[01]', /but found "01"/],
    ['a[1.5]', /but found "1\.5"/],
    ['a[x]', /but found "x"/],
    ['a[]', /but found ""/],
    ['a[99999999999999999999]', /list index 99999999999999999999 after "a" is too large/],
    ['a]', /unexpected "\]" after "a"/],
    ['a[0]b', /expected "\." or "\[" after "\]" but found "b"/],
    ['a b', /expected "\." or "\[" after "a" but found " "/],
    ['a. b', /unexpected " " after "a"; keys with spaces or quotes must be written as \["\.\.\."\]/],
    ['a."b"', /unexpected "\\"" after "a"/],
    ['a["\\x"]', /unknown escape "\\x" in the quoted key after "a"/],
    ['groups["-1"].x[2]["y"]..z', /empty key after "groups\["-1"\]\.x\[2\]\.y"/],
  ])('rejects %j', (expr, message) => {
    const error = pathError(() => parseConfigPath(expr));
    expect(error.code).toBe('CONFIG_PATH');
    expect(error.message).toContain(`invalid config path ${JSON.stringify(expr)}: `);
    expect(error.message).toMatch(message);
    expect(error.hint).toBeTruthy();
  });
});

describe('formatConfigPath', () => {
  it.each<[ConfigPath, string]>([
    [[], ''],
    [['gateway', 'auth', 'token'], 'gateway.auth.token'],
    [['agents', 'list', 0, 'id'], 'agents.list[0].id'],
    [[0, 'a'], '[0].a'],
    [['a', 0, 1], 'a[0][1]'],
    [['channels', 'telegram', 'groups', '-100.5', 'requireMention'], 'channels.telegram.groups["-100.5"].requireMention'],
    [['my key'], '["my key"]'],
    [['a', 'b.c'], 'a["b.c"]'],
    [['a', '0'], 'a["0"]'],
    [['a', '0abc'], 'a["0abc"]'],
    [['a', '-x'], 'a["-x"]'],
    [['a', ''], 'a[""]'],
    [['a', 'q"uote'], 'a["q\\"uote"]'],
    [['channels', 'my-bot'], 'channels.my-bot'],
    [['_private', '$var'], '_private.$var'],
    [['modèle'], '["modèle"]'],
  ])('formats %j as %s', (path, expected) => {
    expect(formatConfigPath(path)).toBe(expected);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects the index %s', (index) => {
    const error = pathError(() => formatConfigPath(['a', index]));
    expect(error.code).toBe('CONFIG_PATH');
    expect(error.message).toContain('expected a non-negative integer');
  });

  it('is the inverse of parseConfigPath', () => {
    const paths: ConfigPath[] = [
      ['gateway', 'port'],
      ['agents', 'list', 3, 'tools', 0],
      ['channels', 'telegram', 'groups', '-100.5', 'requireMention'],
      ['weird', 'a"b\\c', "it's", 'tab\there', 'new\nline', '\u0001', '[x]', '.', ' ', ''],
      [0, 1, 2],
      ['émoji 🎉', 'ünï'],
      ['a', '0', 0],
    ];
    for (const path of paths) expect(parseConfigPath(formatConfigPath(path))).toEqual(path);
  });
});
