import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.ts';
import { parseJson5 } from './parse.ts';

function parseError(text: string): ConfigError {
  try {
    parseJson5(text, '/etc/oc/openclaw.json');
  } catch (error) {
    return error as ConfigError;
  }
  throw new Error('expected a parse error');
}

describe('JSON5 parsing', () => {
  it('reads comments, unquoted keys, single quotes and trailing commas', () => {
    expect(parseJson5("{\n  // port\n  gateway: { port: 19000, bind: 'lan', },\n}", 'x')).toEqual({ gateway: { port: 19000, bind: 'lan' } });
  });

  it('names file:line:col, shows the offending line and a caret', () => {
    const error = parseError('{\n  gateway: {\n    port: 18789\n    bind: "lan"\n  }\n}\n');
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.code).toBe('CONFIG_PARSE');
    const [first, source, caret] = error.message.split('\n');
    expect(first).toBe("/etc/oc/openclaw.json:4:5: invalid character 'b'");
    expect(source).toBe('  4 |     bind: "lan"');
    expect(caret).toBe('    |     ^');
    expect(error.hint).toMatch(/line 4, column 5/);
    expect(error.file).toBe('/etc/oc/openclaw.json');
  });

  it('reports an unterminated file at its end', () => {
    const error = parseError('{ "a": 1');
    expect(error.message).toMatch(/^\/etc\/oc\/openclaw.json:1:9: invalid end of input/);
  });
});
