import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from './errors.ts';
import { loadConfig } from './load.ts';
import type { LoadConfigOptions } from './load.ts';
import type { Env } from './paths.ts';
import { setConfigValue, unsetConfigValue } from './update.ts';

const created: string[] = [];
let umask: number;
beforeAll(() => {
  umask = process.umask(0o022);
});
afterAll(() => {
  process.umask(umask);
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

interface Sandbox {
  dir: string;
  file: string;
  options: LoadConfigOptions;
  text(): string;
  /** The directory's entries with each file's content and inode, to prove nothing was touched. */
  snapshot(): Record<string, { text: string; ino: number; mtimeMs: number }>;
}

/** A state dir under a fresh temp dir; `missing` leaves the state dir itself uncreated. */
function sandbox(options: { missing?: boolean; env?: Env } = {}): Sandbox {
  const root = mkdtempSync(join(tmpdir(), 'oc-update-'));
  created.push(root);
  const dir = options.missing ? join(root, 'state', 'nested') : root;
  const file = join(dir, 'openclaw.json');
  return {
    dir,
    file,
    options: { env: { OPENCLAW_STATE_DIR: dir, ...options.env }, cwd: null, home: dir },
    text: () => readFileSync(file, 'utf8'),
    snapshot() {
      const out: Record<string, { text: string; ino: number; mtimeMs: number }> = {};
      for (const name of readdirSync(dir).sort()) {
        const path = join(dir, name);
        const stat = statSync(path);
        out[name] = { text: readFileSync(path, 'utf8'), ino: stat.ino, mtimeMs: stat.mtimeMs };
      }
      return out;
    },
  };
}

/** Sets an old mtime, so that a rewrite within the same clock tick would still show. */
function age(path: string): void {
  utimesSync(path, new Date('2020-01-01T00:00:00Z'), new Date('2020-01-01T00:00:00Z'));
}

function thrown(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}

const mode = (path: string) => statSync(path).mode & 0o777;

const COMMENTED = `// my gateway
{
  gateway: {
    port: 18789, // the default
    /* keep loopback */ bind: 'loopback',
  },

  logging: { level: "info" },
}
`;

describe('setConfigValue', () => {
  it('creates the file (0600) and its directory (0700) when missing', () => {
    const s = sandbox({ missing: true });
    expect(existsSync(s.dir)).toBe(false);
    const result = setConfigValue(['gateway', 'port'], 19000, s.options);
    expect(result).toEqual({ file: s.file, changed: true, warnings: [] });
    expect(s.text()).toBe('{\n  "gateway": {\n    "port": 19000\n  }\n}\n');
    expect(mode(s.file)).toBe(0o600);
    expect(mode(s.dir)).toBe(0o700);
    expect(mode(join(s.dir, '..'))).toBe(0o700);
    expect(readdirSync(s.dir)).toEqual(['openclaw.json']);
    expect(loadConfig(s.options).config?.gateway.port).toBe(19000);
  });

  it('edits a commented file in place, keeping every other byte', () => {
    const s = sandbox();
    writeFileSync(s.file, COMMENTED);
    const result = setConfigValue(['gateway', 'port'], 19000, s.options);
    expect(result).toEqual({ file: s.file, changed: true, warnings: [] });
    expect(s.text()).toBe(COMMENTED.replace('port: 18789,', 'port: 19000,'));

    setConfigValue(['gateway', 'bind'], 'lan', s.options);
    // The single quotes of the old value are kept.
    expect(s.text()).toBe(COMMENTED.replace('port: 18789,', 'port: 19000,').replace("bind: 'loopback'", "bind: 'lan'"));
  });

  it('adds a new key in the style of its object, leaving the rest alone', () => {
    const s = sandbox();
    writeFileSync(s.file, COMMENTED);
    setConfigValue(['gateway', 'auth', 'token'], 'abc', s.options);
    expect(s.text()).toBe(
      COMMENTED.replace("bind: 'loopback',\n", "bind: 'loopback',\n    auth: {\n      token: \"abc\",\n    },\n"),
    );
    expect(loadConfig(s.options).config?.gateway.auth.token).toBe('abc');
  });

  it('keeps the previous text in .bak, rotating older ones', () => {
    const s = sandbox();
    writeFileSync(s.file, COMMENTED);
    setConfigValue(['gateway', 'port'], 19000, s.options);
    const first = s.text();
    expect(readFileSync(`${s.file}.bak`, 'utf8')).toBe(COMMENTED);
    setConfigValue(['gateway', 'port'], 19001, s.options);
    expect(readFileSync(`${s.file}.bak`, 'utf8')).toBe(first);
    expect(readFileSync(`${s.file}.bak.1`, 'utf8')).toBe(COMMENTED);
    expect(readdirSync(s.dir).sort()).toEqual(['openclaw.json', 'openclaw.json.bak', 'openclaw.json.bak.1']);
    expect(mode(`${s.file}.bak`)).toBe(0o600);
  });

  it('refuses a change that would add an error, leaving the file and its backups untouched', () => {
    const s = sandbox();
    writeFileSync(s.file, COMMENTED);
    setConfigValue(['gateway', 'port'], 19000, s.options);
    setConfigValue(['gateway', 'port'], 19001, s.options);
    for (const name of readdirSync(s.dir)) age(join(s.dir, name));
    const before = s.snapshot();

    const error = thrown(() => setConfigValue(['gateway', 'port'], 'oops', s.options));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.file).toBe(s.file);
    expect(error.message).toBe(
      `refusing to write ${s.file}; the change would make the config invalid:\n  - gateway.port: expected number, found string "oops"`,
    );
    expect(error.hint).toContain('openclaw config validate');
    expect(s.snapshot()).toEqual(before);

    const several = thrown(() => setConfigValue(['gateway'], { bind: 'x', port: 0 }, s.options));
    expect(several.code).toBe('CONFIG_INVALID');
    expect(several.message).toBe(
      `refusing to write ${s.file}; the change would make the config invalid:\n` +
        '  - gateway.port: Too small: expected number to be >=1 (found number 0)\n' +
        '  - gateway.bind: expected one of "loopback", "lan", "tailnet", "auto", "custom", found string "x"',
    );
    expect(s.snapshot()).toEqual(before);
  });

  it('refuses a bad value even when an OPENCLAW_GATEWAY_* variable would override it', () => {
    const s = sandbox({ env: { OPENCLAW_GATEWAY_PORT: '19001', OPENCLAW_GATEWAY_TOKEN: 'from-env' } });
    writeFileSync(s.file, '{ gateway: { port: 19000 } }\n');
    expect(thrown(() => setConfigValue(['gateway', 'port'], 'oops', s.options)).code).toBe('CONFIG_INVALID');
    expect(thrown(() => setConfigValue(['gateway', 'auth', 'token'], '', s.options)).code).toBe('CONFIG_INVALID');
    expect(s.text()).toBe('{ gateway: { port: 19000 } }\n');
    expect(existsSync(`${s.file}.bak`)).toBe(false);
  });

  it('a bad OPENCLAW_GATEWAY_PORT in the environment does not block editing the file', () => {
    const s = sandbox({ env: { OPENCLAW_GATEWAY_PORT: 'abc' } });
    writeFileSync(s.file, '{ gateway: { port: 19000 } }\n');
    expect(setConfigValue(['gateway', 'port'], 19002, s.options).changed).toBe(true);
    expect(s.text()).toBe('{ gateway: { port: 19002 } }\n');
  });

  it('allows an edit to a file that already has an unrelated error when it adds no new one', () => {
    const s = sandbox();
    const broken = '{ gateway: { bind: "x", port: 19000 }, logging: { level: "${OC_MISSING}" } }\n';
    writeFileSync(s.file, broken);
    const result = setConfigValue(['gateway', 'port'], 19001, s.options);
    expect(result.changed).toBe(true);
    expect(s.text()).toBe(broken.replace('19000', '19001'));
    expect(readFileSync(`${s.file}.bak`, 'utf8')).toBe(broken);
    // The old errors are still there; only the edit is judged.
    expect(loadConfig(s.options).errors.map((e) => e.message)).toEqual([
      'Missing env var "OC_MISSING" referenced at config path: logging.level',
      'logging.level: expected one of "trace", "debug", "info", "warn", "error", "fatal", "silent", found string "${OC_MISSING}"',
      'gateway.bind: expected one of "loopback", "lan", "tailnet", "auto", "custom", found string "x"',
    ]);

    const error = thrown(() => setConfigValue(['gateway', 'port'], 'oops', s.options));
    expect(error.message).toBe(
      `refusing to write ${s.file}; the change would make the config invalid:\n  - gateway.port: expected number, found string "oops"`,
    );
  });

  it('fixing the existing error is allowed', () => {
    const s = sandbox();
    writeFileSync(s.file, '{ gateway: { bind: "x" } }\n');
    expect(setConfigValue(['gateway', 'bind'], 'lan', s.options).changed).toBe(true);
    expect(loadConfig(s.options).errors).toEqual([]);
  });

  it('setting the value the file already has returns changed: false and writes nothing', () => {
    const s = sandbox();
    writeFileSync(s.file, COMMENTED);
    setConfigValue(['gateway', 'port'], 19000, s.options);
    age(s.file);
    age(`${s.file}.bak`);
    const before = s.snapshot();
    const result = setConfigValue(['gateway', 'port'], 19000, s.options);
    expect(result).toEqual({ file: s.file, changed: false, warnings: [] });
    expect(s.snapshot()).toEqual(before);
  });

  it('returns the warnings of the edited config (an unknown key is written, with a warning)', () => {
    const s = sandbox();
    writeFileSync(s.file, '{}\n');
    const result = setConfigValue(['gateway', 'prot'], 19000, s.options);
    expect(result.changed).toBe(true);
    expect(result.warnings).toEqual([
      {
        code: 'unknown-key',
        path: ['gateway', 'prot'],
        message: 'unknown key gateway.prot (did you mean gateway.port?); it is ignored',
        suggestion: 'port',
      },
    ]);
    expect(loadConfig(s.options).input).toEqual({ gateway: { prot: 19000 } });
  });

  it('an empty path throws CONFIG_PATH and creates nothing', () => {
    const s = sandbox({ missing: true });
    const error = thrown(() => setConfigValue([], { gateway: {} }, s.options));
    expect(error.code).toBe('CONFIG_PATH');
    expect(error.message).toBe('config set needs a path below the top level');
    expect(existsSync(s.dir)).toBe(false);
  });

  it('a file that is not JSON5 is refused with CONFIG_PARSE and left alone', () => {
    const s = sandbox();
    writeFileSync(s.file, '{ gateway: { port: 1,, } }');
    expect(thrown(() => setConfigValue(['gateway', 'port'], 2, s.options)).code).toBe('CONFIG_PARSE');
    expect(s.text()).toBe('{ gateway: { port: 1,, } }');
    expect(readdirSync(s.dir)).toEqual(['openclaw.json']);
  });

  it('an unreadable file is refused with CONFIG_READ', () => {
    if (process.getuid?.() === 0) return; // root reads anything
    const s = sandbox();
    writeFileSync(s.file, '{}');
    chmodSync(s.file, 0o000);
    try {
      expect(thrown(() => setConfigValue(['gateway', 'port'], 2, s.options)).code).toBe('CONFIG_READ');
    } finally {
      chmodSync(s.file, 0o600);
    }
  });

  it('edits the file OPENCLAW_CONFIG_PATH names', () => {
    const s = sandbox();
    const other = join(s.dir, 'custom', 'gw.json5');
    mkdirSync(join(s.dir, 'custom'));
    writeFileSync(other, '{ gateway: { port: 19000 } }\n');
    const result = setConfigValue(['gateway', 'port'], 19005, { ...s.options, env: { OPENCLAW_STATE_DIR: s.dir, OPENCLAW_CONFIG_PATH: other } });
    expect(result.file).toBe(other);
    expect(readFileSync(other, 'utf8')).toBe('{ gateway: { port: 19005 } }\n');
    expect(existsSync(s.file)).toBe(false);
  });
});

describe('unsetConfigValue', () => {
  it('removes a key in place and reports removed: true; .bak holds the previous text', () => {
    const s = sandbox();
    writeFileSync(s.file, COMMENTED);
    const result = unsetConfigValue(['logging', 'level'], s.options);
    expect(result).toEqual({ file: s.file, changed: true, warnings: [], removed: true });
    expect(s.text()).toBe(COMMENTED.replace('logging: { level: "info" },', 'logging: {},'));
    expect(readFileSync(`${s.file}.bak`, 'utf8')).toBe(COMMENTED);
  });

  it('a key that is not there: removed: false, changed: false, nothing written', () => {
    const s = sandbox();
    writeFileSync(s.file, COMMENTED);
    age(s.file);
    const before = s.snapshot();
    expect(unsetConfigValue(['gateway', 'auth', 'token'], s.options)).toEqual({ file: s.file, changed: false, warnings: [], removed: false });
    expect(unsetConfigValue(['nothing', 'here'], s.options)).toEqual({ file: s.file, changed: false, warnings: [], removed: false });
    expect(s.snapshot()).toEqual(before);
  });

  it('no file at all: removed: false and no file is created', () => {
    const s = sandbox({ missing: true });
    expect(unsetConfigValue(['gateway', 'port'], s.options)).toEqual({ file: s.file, changed: false, warnings: [], removed: false });
    expect(existsSync(s.dir)).toBe(false);
  });

  it('refuses an unset that would make the config invalid, leaving the file untouched', () => {
    const s = sandbox();
    const text = '{ agents: { list: [{ id: "main", name: "M" }] } }\n';
    writeFileSync(s.file, text);
    const error = thrown(() => unsetConfigValue(['agents', 'list', 0, 'id'], s.options));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toBe(
      `refusing to write ${s.file}; the change would make the config invalid:\n  - agents.list[0].id: expected string, found nothing`,
    );
    expect(s.text()).toBe(text);
    expect(readdirSync(s.dir)).toEqual(['openclaw.json']);
  });

  it('an empty path throws CONFIG_PATH', () => {
    const s = sandbox();
    writeFileSync(s.file, COMMENTED);
    const error = thrown(() => unsetConfigValue([], s.options));
    expect(error.code).toBe('CONFIG_PATH');
    expect(error.message).toBe('config unset needs a path below the top level');
    expect(error.hint).toBe('e.g. openclaw config unset gateway.auth.token');
    expect(s.text()).toBe(COMMENTED);
  });
});
