import JSON5 from 'json5';
import { describe, expect, it } from 'vitest';
import type { ConfigPath } from './config-path.ts';
import { parseConfigPath } from './config-path.ts';
import { unsetValueInText } from './edit.ts';
import { ConfigError } from './errors.ts';

const CONFIG = `// openclaw gateway config
{
  // Where the gateway listens.
  gateway: {
    port: 18789, // default port
    // Use "lan" to listen on all interfaces.
    bind: 'loopback', /* safer */
    auth: { mode: "token", token: 'abc' },

    "x-extra": 0x1F,
  },

  agents: {
    list: [
      { id: 'main' }, // primary
      {
        id: 'helper',
        tools: ['web', "shell"],
      },
    ],
  },
  limit: +Infinity,
}
`;

/** What `JSON5.parse(after)` must equal: the parsed `before` without the member. */
function modelUnset(text: string, path: ConfigPath): unknown {
  const root = JSON5.parse<unknown>(text);
  let node = root as Record<string | number, unknown>;
  for (const segment of path.slice(0, -1)) node = node[segment] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  if (Array.isArray(node)) node.splice(last as number, 1);
  else delete node[last];
  return root;
}

/** Unsets a path that exists, checking the result parses to the expected object. */
function unset(text: string, expr: string): string {
  const path = parseConfigPath(expr);
  const result = unsetValueInText(text, path);
  expect(result.removed).toBe(true);
  expect(JSON5.parse(result.text)).toEqual(modelUnset(text, path));
  return result.text;
}

function replaceOnce(text: string, from: string, to: string): string {
  expect(text.split(from)).toHaveLength(2);
  return text.replace(from, () => to);
}

describe('unsetValueInText: members on their own lines', () => {
  it('removes the whole line, with the comment after the member but not the one above it', () => {
    expect(unset(CONFIG, 'gateway.bind')).toBe(
      replaceOnce(CONFIG, `    bind: 'loopback', /* safer */\n`, ''),
    );
    expect(unset(CONFIG, 'gateway.port')).toBe(replaceOnce(CONFIG, `    port: 18789, // default port\n`, ''));
  });

  it('keeps the trailing comma style when the last member had a comma', () => {
    expect(unset(CONFIG, 'gateway["x-extra"]')).toBe(replaceOnce(CONFIG, `    "x-extra": 0x1F,\n`, ''));
    expect(unset(CONFIG, 'limit')).toBe(replaceOnce(CONFIG, `  limit: +Infinity,\n`, ''));
  });

  it('drops the comma of the new last member when the removed one had none', () => {
    const json = `{\n  "a": 1, // one\n  "b": 2, /* two */\n  "c": 3 // three\n}\n`;
    expect(unset(json, 'c')).toBe(`{\n  "a": 1, // one\n  "b": 2 /* two */\n}\n`);
    expect(unset(json, 'b')).toBe(`{\n  "a": 1, // one\n  "c": 3 // three\n}\n`);
  });

  it('removes a member whose value spans several lines', () => {
    expect(unset(CONFIG, 'agents.list[1]')).toBe(
      replaceOnce(CONFIG, `      {\n        id: 'helper',\n        tools: ['web', "shell"],\n      },\n`, ''),
    );
    const json = `{\n  "a": {\n    "b": 1\n  },\n  "c": [\n    1\n  ]\n}\n`;
    expect(unset(json, 'c')).toBe(`{\n  "a": {\n    "b": 1\n  }\n}\n`);
  });

  it('collapses an object or list that is left empty, unless comments remain in it', () => {
    expect(unset(`{\n  a: {\n    b: 1,\n  },\n}\n`, 'a.b')).toBe(`{\n  a: {},\n}\n`);
    expect(unset(`{\n  "a": 1\n}\n`, 'a')).toBe(`{}\n`);
    expect(unset(`{\n  a: [\n    1,\n  ],\n}\n`, 'a[0]')).toBe(`{\n  a: [],\n}\n`);
    expect(unset(`{\n  a: {\n    // keep me\n    b: 1,\n  },\n}\n`, 'a.b')).toBe(`{\n  a: {\n    // keep me\n  },\n}\n`);
  });

  it('keeps CRLF line endings intact', () => {
    expect(unset('{\r\n  a: 1, // x\r\n  b: 2,\r\n}\r\n', 'a')).toBe('{\r\n  b: 2,\r\n}\r\n');
  });

  it('keeps a blank line that separated the member from the one above', () => {
    expect(unset(CONFIG, 'gateway["x-extra"]')).toContain(`    auth: { mode: "token", token: 'abc' },\n\n  },`);
  });
});

describe('unsetValueInText: members that share a line', () => {
  it('removes the first, middle and last member of a one-line object', () => {
    expect(unset(CONFIG, 'gateway.auth.mode')).toBe(replaceOnce(CONFIG, `{ mode: "token", token: 'abc' }`, `{ token: 'abc' }`));
    expect(unset(CONFIG, 'gateway.auth.token')).toBe(replaceOnce(CONFIG, `{ mode: "token", token: 'abc' }`, `{ mode: "token" }`));
    expect(unset('{ a: 1, b: 2, c: 3 }', 'b')).toBe('{ a: 1, c: 3 }');
    expect(unset('{a:1,b:2}', 'b')).toBe('{a:1}');
    expect(unset('{ a: 1, b: 2, }', 'b')).toBe('{ a: 1, }');
  });

  it('collapses a one-line object emptied by the removal', () => {
    expect(unset(CONFIG, 'agents.list[0].id')).toBe(replaceOnce(CONFIG, `{ id: 'main' }, // primary`, `{}, // primary`));
    expect(unset('{ a: { b: 1 } }', 'a.b')).toBe('{ a: {} }');
  });

  it('removes list items on one line', () => {
    expect(unset(CONFIG, 'agents.list[1].tools[0]')).toBe(replaceOnce(CONFIG, `['web', "shell"]`, `["shell"]`));
    expect(unset(CONFIG, 'agents.list[1].tools[1]')).toBe(replaceOnce(CONFIG, `['web', "shell"]`, `['web']`));
  });

  it('removes a member sharing a line with the next one without leaving blanks behind', () => {
    const text = `{\n  a: 1, b: 2,\n  c: 3,\n}\n`;
    expect(unset(text, 'a')).toBe(`{\n  b: 2,\n  c: 3,\n}\n`);
    expect(unset(text, 'b')).toBe(`{\n  a: 1,\n  c: 3,\n}\n`);
  });

  it('keeps a comment that sits before the member on its line', () => {
    expect(unset(`{\n  /* note */ a: 1,\n  b: 2,\n}\n`, 'a')).toBe(`{\n  /* note */\n  b: 2,\n}\n`);
    expect(unset('{ a: 1, /* about b */ b: 2 }', 'b')).toBe('{ a: 1 /* about b */ }');
    expect(unset('{ a: 1, /* about b */ b: 2, c: 3 }', 'b')).toBe('{ a: 1, /* about b */ c: 3 }');
  });

  it('removes a member on the opening line of a multi-line object', () => {
    expect(unset(`{ a: 1,\n  b: 2\n}\n`, 'a')).toBe(`{\n  b: 2\n}\n`);
  });
});

describe('unsetValueInText: what is not there', () => {
  it.each(['gateway.missing', 'nope.deeper.still', 'gateway.port.x', 'agents.list[5]', 'agents.list.x', 'gateway[0]', 'agents.list[0].id.x'])(
    'reports %s as not removed and returns the text unchanged',
    (expr) => {
      const result = unsetValueInText(CONFIG, parseConfigPath(expr));
      expect(result).toEqual({ text: CONFIG, removed: false });
    },
  );

  it('treats empty text as an empty config', () => {
    expect(unsetValueInText('', ['a'])).toEqual({ text: '', removed: false });
    expect(unsetValueInText(' \n', ['a'])).toEqual({ text: ' \n', removed: false });
  });

  it('removes every copy of a duplicated key so that it is really gone', () => {
    expect(unset(`{\n  a: 1,\n  b: 2,\n  a: 3,\n}\n`, 'a')).toBe(`{\n  b: 2,\n}\n`);
    expect(unset('{ a: 1, a: 2 }', 'a')).toBe('{}');
  });

  it('removes one list item per call even when items are equal', () => {
    expect(unset('{ a: [1, 1, 1] }', 'a[1]')).toBe('{ a: [1, 1] }');
  });
});

describe('unsetValueInText: refusals', () => {
  it('refuses invalid JSON5, a non-object root and an empty path', () => {
    const codes = [
      () => unsetValueInText('{ a: ', ['a']),
      () => unsetValueInText('[1]', ['a']),
      () => unsetValueInText(CONFIG, []),
    ].map((fn) => {
      try {
        fn();
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as ConfigError).code;
      }
      return 'no error';
    });
    expect(codes).toEqual(['CONFIG_PARSE', 'CONFIG_EDIT', 'CONFIG_EDIT']);
  });
});
