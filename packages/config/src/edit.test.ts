import JSON5 from 'json5';
import { describe, expect, it } from 'vitest';
import type { ConfigPath } from './config-path.ts';
import { parseConfigPath } from './config-path.ts';
import { setValueInText } from './edit.ts';
import { ConfigError } from './errors.ts';

/** A config as a user would hand-edit it: every JSON5 feature, comments everywhere. */
const CONFIG = `// openclaw gateway config
// Docs: https://docs.openclaw.ai/config
{
  // Where the gateway listens.
  gateway: {
    port: 18789, // default port
    bind: 'loopback',
    auth: {
      mode: "token",
      token: 'abc-123', /* rotate monthly */
    },
  },

  /* Agents
     ------ */
  agents: {
    defaults: { model: 'anthropic/claude', thinking: "low" },
    list: [
      { id: 'main', workspace: "~/work" }, // primary
      {
        id: 'helper',
        tools: ['web', "shell"],
      },
    ],
  },

  channels: {
    telegram: {
      enabled: true,
      botToken: "123:ABC",
      groups: {
        '-100.5': { requireMention: true },
        '*': {requireMention: false},
      },
    },
  },
  empty: {},
  mask: 0x1F,
  ratio: .5,
  limit: +Infinity,
}
`;

/** What `JSON5.parse(after)` must equal: the parsed `before` with the same change. */
function modelSet(text: string, path: ConfigPath, value: unknown): unknown {
  const root = text.trim() === '' ? {} : (JSON5.parse<Record<string, unknown>>(text) as unknown);
  let node = root as Record<string | number, unknown>;
  path.forEach((segment, i) => {
    if (i === path.length - 1) {
      node[segment] = value;
      return;
    }
    node[segment] ??= typeof path[i + 1] === 'number' ? [] : {};
    node = node[segment] as Record<string | number, unknown>;
  });
  return root;
}

/** Sets, then checks the result parses back to the expected object. */
function set(text: string, expr: string, value: unknown): string {
  const path = parseConfigPath(expr);
  const after = setValueInText(text, path, value);
  expect(JSON5.parse(after)).toEqual(modelSet(text, path, value));
  return after;
}

/** `text` with `from` (which must occur exactly once) replaced by `to`. */
function replaceOnce(text: string, from: string, to: string): string {
  expect(text.split(from)).toHaveLength(2);
  return text.replace(from, () => to);
}

function changedLines(before: string, after: string): number[] {
  const a = before.split('\n');
  const b = after.split('\n');
  expect(b).toHaveLength(a.length);
  return a.flatMap((line, i) => (line === b[i] ? [] : [i]));
}

function editError(fn: () => unknown, code = 'CONFIG_EDIT'): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe(code);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('setValueInText: replacing existing values', () => {
  it('replaces only the characters of a number and leaves every other byte alone', () => {
    const after = set(CONFIG, 'gateway.port', 19000);
    expect(after).toBe(replaceOnce(CONFIG, 'port: 18789, // default port', 'port: 19000, // default port'));
    expect(changedLines(CONFIG, after)).toEqual([5]);
  });

  it('keeps single quotes when replacing a single-quoted string', () => {
    const after = set(CONFIG, 'gateway.bind', 'lan');
    expect(after).toBe(replaceOnce(CONFIG, "bind: 'loopback',", "bind: 'lan',"));
    expect(set(CONFIG, 'gateway.auth.token', "it's")).toBe(
      replaceOnce(CONFIG, "token: 'abc-123', /* rotate monthly */", "token: 'it\\'s', /* rotate monthly */"),
    );
  });

  it('uses double quotes when the replaced value was double-quoted or not a string', () => {
    expect(set(CONFIG, 'gateway.auth.mode', 'password')).toBe(replaceOnce(CONFIG, 'mode: "token"', 'mode: "password"'));
    expect(set(CONFIG, 'gateway.port', 'auto')).toBe(replaceOnce(CONFIG, 'port: 18789,', 'port: "auto",'));
  });

  it('replaces hex, leading-dot and signed-Infinity numbers and literals in place', () => {
    expect(set(CONFIG, 'mask', 255)).toBe(replaceOnce(CONFIG, 'mask: 0x1F,', 'mask: 255,'));
    expect(set(CONFIG, 'ratio', 0.75)).toBe(replaceOnce(CONFIG, 'ratio: .5,', 'ratio: 0.75,'));
    expect(set(CONFIG, 'limit', 10)).toBe(replaceOnce(CONFIG, 'limit: +Infinity,', 'limit: 10,'));
    expect(set(CONFIG, 'channels.telegram.enabled', null)).toBe(replaceOnce(CONFIG, 'enabled: true,', 'enabled: null,'));
  });

  it('replaces a value inside a one-line object without touching its neighbours', () => {
    const after = set(CONFIG, 'agents.defaults.thinking', 'high');
    expect(after).toBe(replaceOnce(CONFIG, `thinking: "low" }`, `thinking: "high" }`));
    expect(changedLines(CONFIG, after)).toEqual([16]);
  });

  it('replaces array items and members of objects inside arrays', () => {
    expect(set(CONFIG, 'agents.list[0].id', 'primary')).toBe(replaceOnce(CONFIG, "{ id: 'main'", "{ id: 'primary'"));
    expect(set(CONFIG, 'agents.list[1].tools[1]', 'exec')).toBe(replaceOnce(CONFIG, `"shell"]`, `"exec"]`));
  });

  it('writes objects pretty-printed and indented from the line they land on', () => {
    const after = set(CONFIG, 'gateway.auth', { mode: 'none', allow: ['a', 'b'] });
    const expected = replaceOnce(
      CONFIG,
      `auth: {\n      mode: "token",\n      token: 'abc-123', /* rotate monthly */\n    },`,
      `auth: {\n      mode: "none",\n      allow: [\n        "a",\n        "b",\n      ],\n    },`,
    );
    expect(after).toBe(expected);
  });

  it('writes objects on one line when they land in a one-line object', () => {
    const after = set(CONFIG, 'channels.telegram.groups["*"].requireMention', { when: ['dm'], n: 1 });
    expect(after).toBe(
      replaceOnce(CONFIG, `'*': {requireMention: false}`, `'*': {requireMention: {when: ["dm"], n: 1}}`),
    );
  });

  it('escapes strings so that they read back exactly', () => {
    const nasty = `quote " apostrophe ' backslash \\ newline \n tab \t nul \u0000 del \u007f ls \u2028 ps \u2029 emoji 🎉 lone \ud800 ${'`'}`;
    for (const expr of ['gateway.bind', 'gateway.auth.mode', 'gateway.fresh']) {
      const after = set(CONFIG, expr, nasty);
      expect(after.includes('\u2028') || after.includes('\u2029') || after.includes('\u0000')).toBe(false);
    }
  });

  it('edits the last of duplicate keys, the one JSON5 keeps', () => {
    const text = `{\n  a: 1,\n  a: 2,\n}\n`;
    expect(set(text, 'a', 3)).toBe(`{\n  a: 1,\n  a: 3,\n}\n`);
  });

  it('matches keys however they are written', () => {
    const text = `{\n  \\u0061bc: 1,\n  'single': 2,\n  "dou\\u0062le": 3,\n}\n`;
    expect(set(text, 'abc', 10)).toBe(`{\n  \\u0061bc: 10,\n  'single': 2,\n  "dou\\u0062le": 3,\n}\n`);
    expect(set(text, 'single', 20)).toBe(`{\n  \\u0061bc: 1,\n  'single': 20,\n  "dou\\u0062le": 3,\n}\n`);
    expect(set(text, 'double', 30)).toBe(`{\n  \\u0061bc: 1,\n  'single': 2,\n  "dou\\u0062le": 30,\n}\n`);
  });

  it('keeps comments that sit between a key and its value', () => {
    const text = `{\n  a: /* why */ 1, // tail\n}\n`;
    expect(set(text, 'a', 2)).toBe(`{\n  a: /* why */ 2, // tail\n}\n`);
  });
});

describe('setValueInText: adding members', () => {
  it('appends to a multi-line object in its style: indentation, bare keys, trailing comma', () => {
    const after = set(CONFIG, 'gateway.mode', 'local');
    expect(after).toBe(replaceOnce(CONFIG, `    },\n  },\n\n  /* Agents`, `    },\n    mode: "local",\n  },\n\n  /* Agents`));
    expect(set(CONFIG, 'gateway.auth.ttl', 60)).toBe(
      replaceOnce(CONFIG, `/* rotate monthly */\n`, `/* rotate monthly */\n      ttl: 60,\n`),
    );
  });

  it('quotes new keys only when they are not identifiers', () => {
    const after = set(CONFIG, 'gateway["my key"]', 1);
    expect(after).toContain(`    "my key": 1,\n  },\n\n  /* Agents`);
    expect(set(CONFIG, 'gateway["0day"]', 1)).toContain(`    "0day": 1,\n`);
    expect(set(CONFIG, 'gateway["-1"]', 1)).toContain(`    "-1": 1,\n`);
    expect(set(CONFIG, 'gateway.$ok_1', 1)).toContain(`    $ok_1: 1,\n`);
  });

  it('quotes new keys where the object quotes identifiers, and writes them bare where it has a bare key', () => {
    expect(set('{\n  "a": 1,\n  b: 2,\n}\n', 'c', 3)).toBe('{\n  "a": 1,\n  b: 2,\n  c: 3,\n}\n');
    expect(set('{\n  x: {\n    \'a\': 1,\n  },\n}\n', 'x.c', 3)).toBe('{\n  x: {\n    \'a\': 1,\n    \'c\': 3,\n  },\n}\n');
    // Keys that had to be quoted say nothing about style: the document's bare keys win.
    expect(set('{\n  x: {\n    "-1": 1,\n  },\n}\n', 'x.c', 3)).toBe('{\n  x: {\n    "-1": 1,\n    c: 3,\n  },\n}\n');
  });

  it('quotes new keys in an object whose keys are all quoted, with the same quote', () => {
    const after = set(CONFIG, 'channels.telegram.groups["-200"]', { requireMention: false });
    expect(after).toBe(
      replaceOnce(
        CONFIG,
        `        '*': {requireMention: false},\n`,
        `        '*': {requireMention: false},\n        '-200': {\n          requireMention: false,\n        },\n`,
      ),
    );
  });

  it('follows a JSON-style file: quoted keys, no trailing commas, four spaces', () => {
    const json = `{\n    "a": 1,\n    "b": {\n        "c": 2\n    }\n}\n`;
    expect(set(json, 'b.d', 'x')).toBe(`{\n    "a": 1,\n    "b": {\n        "c": 2,\n        "d": "x"\n    }\n}\n`);
    expect(set(json, 'e.f', [1])).toBe(
      `{\n    "a": 1,\n    "b": {\n        "c": 2\n    },\n    "e": {\n        "f": [\n            1\n        ]\n    }\n}\n`,
    );
  });

  it('puts the comma before a trailing comment and keeps the comment on its line', () => {
    const text = `{\n  "a": 1, // one\n  "b": 2 // two\n}\n`;
    expect(set(text, 'c', 3)).toBe(`{\n  "a": 1, // one\n  "b": 2, // two\n  "c": 3\n}\n`);
    const block = `{\n  a: 1 /* one */ /* more */\n}\n`;
    expect(set(block, 'b', 2)).toBe(`{\n  a: 1, /* one */ /* more */\n  b: 2\n}\n`);
  });

  it('opens up an empty object onto its own lines', () => {
    expect(set(CONFIG, 'empty.key', 'v')).toBe(replaceOnce(CONFIG, `  empty: {},\n`, `  empty: {\n    key: "v",\n  },\n`));
    expect(set('{}', 'a', 1)).toBe(`{\n  "a": 1\n}`);
    expect(set('{ }\n', 'a', { b: true })).toBe(`{\n  "a": {\n    "b": true\n  }\n}\n`);
  });

  it('adds to an object that holds only comments after those comments', () => {
    const text = `{\n  a: {\n    // nothing yet\n  },\n}\n`;
    expect(set(text, 'a.b', 1)).toBe(`{\n  a: {\n    // nothing yet\n    b: 1,\n  },\n}\n`);
    const oneLine = `{\n  a: { /* none */ },\n}\n`;
    expect(set(oneLine, 'a.b', 1)).toBe(`{\n  a: { /* none */\n    b: 1,\n  },\n}\n`);
  });

  it('appends to one-line objects on the same line, keeping their spacing', () => {
    expect(set('{ a: 1, b: 2 }', 'c', 3)).toBe('{ a: 1, b: 2, c: 3 }');
    expect(set('{a:1,b:2}', 'c', 3)).toBe('{a:1,b:2,c:3}');
    expect(set('{ a: 1, }', 'b', 2)).toBe('{ a: 1, b: 2, }');
    expect(set('{ "a": 1 }', 'b', { c: [1, 2] })).toBe('{ "a": 1, "b": { "c": [1, 2] } }');
    expect(set(CONFIG, 'agents.defaults.fast', true)).toBe(replaceOnce(CONFIG, `"low" }`, `"low", fast: true }`));
  });

  it('creates missing intermediate objects, pretty-printed in the same style', () => {
    const after = set(CONFIG, 'gateway.tls.cert.path', '/etc/cert.pem');
    expect(after).toBe(
      replaceOnce(
        CONFIG,
        `    },\n  },\n\n  /* Agents`,
        `    },\n    tls: {\n      cert: {\n        path: "/etc/cert.pem",\n      },\n    },\n  },\n\n  /* Agents`,
      ),
    );
    expect(set(CONFIG, 'hooks.enabled', true)).toBe(replaceOnce(CONFIG, `  limit: +Infinity,\n`, `  limit: +Infinity,\n  hooks: {\n    enabled: true,\n  },\n`));
  });

  it('fills an empty container on one line when it sits in a one-line container', () => {
    expect(set('{\n  a: {b: {}, c: 1},\n}\n', 'a.b.d', { e: 1 })).toBe('{\n  a: {b: {d: {e: 1}}, c: 1},\n}\n');
    expect(set('{ a: { b: [ ] } }', 'a.b[0]', 'x')).toBe('{ a: { b: ["x"] } }');
    expect(set('{ a: { b: { /* keep */ } } }', 'a.b.c', 1)).toContain('/* keep */');
  });

  it('appends after the last member when the closing brace shares its line', () => {
    expect(set('{\n  a: 1 }', 'b', 2)).toBe('{\n  a: 1,\n  b: 2 }');
  });

  it('follows tab indentation', () => {
    expect(set('{\n\t"a": {\n\t\t"b": 1\n\t}\n}\n', 'a.c.d', 2)).toBe(
      '{\n\t"a": {\n\t\t"b": 1,\n\t\t"c": {\n\t\t\t"d": 2\n\t\t}\n\t}\n}\n',
    );
  });

  it('keeps CRLF line endings', () => {
    const text = '{\r\n  a: 1, // x\r\n  b: {},\r\n}\r\n';
    const after = set(set(text, 'c.d', [1]), 'b.e', 2);
    expect(after).toBe('{\r\n  a: 1, // x\r\n  b: {\r\n    e: 2,\r\n  },\r\n  c: {\r\n    d: [\r\n      1,\r\n    ],\r\n  },\r\n}\r\n');
  });

  it('handles a document with comments around the root object', () => {
    const text = `/* head */ { a: 1 } // tail\n`;
    expect(set(text, 'b', 2)).toBe(`/* head */ { a: 1, b: 2 } // tail\n`);
  });
});

describe('setValueInText: arrays', () => {
  it('appends at exactly the length of a multi-line list', () => {
    const after = set(CONFIG, 'agents.list[2].id', 'third');
    expect(after).toBe(replaceOnce(CONFIG, `      },\n    ],\n`, `      },\n      {\n        id: "third",\n      },\n    ],\n`));
  });

  it('appends to one-line and empty lists', () => {
    expect(set(CONFIG, 'agents.list[1].tools[2]', 'exec')).toBe(replaceOnce(CONFIG, `"shell"]`, `"shell", "exec"]`));
    expect(set('{\n  a: [],\n}\n', 'a[0]', 'x')).toBe('{\n  a: [\n    "x",\n  ],\n}\n');
  });

  it('refuses an index past the end', () => {
    const error = editError(() => setValueInText(CONFIG, parseConfigPath('agents.list[3].id'), 'x'));
    expect(error.message).toBe(
      'cannot set agents.list[3].id: agents.list has 2 items, so the index can be at most 2 (which appends)',
    );
  });

  it('creates a missing list only from index 0', () => {
    expect(set(CONFIG, 'gateway.allow[0]', 'me')).toContain(`    allow: [\n      "me",\n    ],\n  },\n`);
    const error = editError(() => setValueInText(CONFIG, parseConfigPath('gateway.allow[1]'), 'me'));
    expect(error.message).toBe('cannot set gateway.allow[1]: gateway.allow does not exist yet, so it can only be created with index [0], not [1]');
  });

  it('refuses a key on a list and an index on an object', () => {
    expect(editError(() => setValueInText(CONFIG, ['agents', 'list', 'x'], 1)).message).toBe(
      'cannot set agents.list.x: agents.list is a list, so it takes an index like [0], not the key "x"',
    );
    const error = editError(() => setValueInText(CONFIG, ['gateway', 0], 1));
    expect(error.message).toBe('cannot set gateway[0]: gateway is an object, so it takes a key, not the index [0]');
    expect(error.hint).toContain('gateway["0"]');
  });
});

describe('setValueInText: refusals', () => {
  it('refuses to set through a scalar, naming the path and what was found', () => {
    expect(editError(() => setValueInText(CONFIG, parseConfigPath('gateway.port.x'), 1)).message).toBe(
      'cannot set gateway.port.x: gateway.port is a number (18789), not an object or a list',
    );
    expect(editError(() => setValueInText(CONFIG, parseConfigPath('gateway.bind.x.y'), 1)).message).toContain(
      "gateway.bind is a string ('loopback')",
    );
    expect(editError(() => setValueInText('{a: null}', ['a', 'b'], 1)).message).toContain('a is null, not an object');
  });

  it('refuses a root that is not an object', () => {
    for (const text of ['[1, 2]', '"str"', '42', '// c\nnull\n']) {
      expect(editError(() => setValueInText(text, ['a'], 1)).message).toMatch(/^the config must be an object/);
    }
  });

  it('refuses text that is not JSON5 with CONFIG_PARSE', () => {
    for (const text of ['{ a: 1', '{ a: }', '// only a comment\n', '{ a: 1 } }', "{ a: 'x }"]) {
      editError(() => setValueInText(text, ['a'], 2), 'CONFIG_PARSE');
    }
  });

  it('refuses an empty path and values that are not JSON', () => {
    editError(() => setValueInText(CONFIG, [], 1));
    expect(editError(() => setValueInText(CONFIG, ['a'], undefined)).hint).toContain('unset');
    expect(editError(() => setValueInText(CONFIG, ['a'], () => 1)).message).toContain('a function');
    expect(editError(() => setValueInText(CONFIG, ['a'], 1n)).message).toContain('a bigint');
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(editError(() => setValueInText(CONFIG, ['a'], cycle)).message).toContain('contains itself');
  });
});

describe('setValueInText: value serialization', () => {
  it('follows JSON.stringify for toJSON and undefined members', () => {
    const date = new Date('2024-01-02T03:04:05.000Z');
    expect(setValueInText('{}', ['at'], date)).toBe('{\n  "at": "2024-01-02T03:04:05.000Z"\n}');
    expect(setValueInText('{}', ['o'], { a: undefined, b: [undefined, 1] })).toBe(
      '{\n  "o": {\n    "b": [\n      null,\n      1\n    ]\n  }\n}',
    );
  });

  it('writes non-finite numbers as JSON5 literals', () => {
    const after = setValueInText('{}', ['n'], [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    expect(after).toBe('{\n  "n": [\n    NaN,\n    Infinity,\n    -Infinity\n  ]\n}');
    expect(JSON5.parse<{ n: number[] }>(after).n).toEqual([Number.NaN, Infinity, -Infinity]);
  });

  it('writes empty containers compactly', () => {
    expect(setValueInText('{}', ['a'], { b: {}, c: [] })).toBe('{\n  "a": {\n    "b": {},\n    "c": []\n  }\n}');
  });
});

describe('setValueInText: empty text', () => {
  it('treats empty or blank text as {} and writes pretty JSON with a trailing newline', () => {
    const expected = '{\n  "gateway": {\n    "auth": {\n      "token": "s3cret"\n    }\n  }\n}\n';
    expect(set('', 'gateway.auth.token', 's3cret')).toBe(expected);
    expect(set('  \n\t\n', 'gateway.auth.token', 's3cret')).toBe(expected);
    expect(set('', 'agents.list[0].id', 'main')).toBe(
      '{\n  "agents": {\n    "list": [\n      {\n        "id": "main"\n      }\n    ]\n  }\n}\n',
    );
  });

  it('still refuses an index at the root of an empty file', () => {
    editError(() => setValueInText('', [0], 1));
  });
});
