import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MethodRegistry } from '../server/registry.ts';
import type { MethodContext } from '../server/registry.ts';
import { patchConfigText, readConfigSnapshot, registerConfigMethods, setConfigText } from './config.ts';
import type { ConfigMethodsDeps, ConfigWritten } from './config.ts';

/** A config with comments, both quote styles and secrets in four places. */
const SECRET_CONFIG = `// My gateway config
{
  gateway: {
    port: 18789, // the default
    auth: { mode: 'token', token: 'tok-SECRET-gateway-0123456789' },
  },
  channels: {
    telegram: { botToken: "123456:BOT-SECRET-abcdef" },
  },
  models: {
    providers: {
      local: {
        /* a local server */
        baseUrl: 'http://127.0.0.1:11434/v1',
        apiKey: 'sk-SECRET-provider-key',
        headers: { Authorization: 'Bearer HDR-SECRET-xyz' },
      },
    },
  },
}
`;
/** Every secret of {@link SECRET_CONFIG}: none may appear in an answer. */
const SECRETS = ['tok-SECRET-gateway-0123456789', '123456:BOT-SECRET-abcdef', 'sk-SECRET-provider-key', 'HDR-SECRET-xyz'];

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const expectNoSecrets = (value: unknown) => {
  const json = JSON.stringify(value);
  for (const secret of SECRETS) expect(json).not.toContain(secret.split('-SECRET-')[1]);
};

let dir: string;
let deps: ConfigMethodsDeps & { configPath: string };
let written: ConfigWritten[];
const file = () => readFileSync(deps.configPath, 'utf8');

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'oc-config-methods-'));
  written = [];
  deps = { configPath: join(dir, 'openclaw.json'), env: {}, cwd: null, home: dir, version: '9.9.9', onConfigWritten: (w) => written.push(w) };
  writeFileSync(deps.configPath, SECRET_CONFIG);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function refusal(run: () => unknown): Promise<{ code: string; message: string; details?: unknown }> {
  try {
    await run();
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected a refusal');
}

describe('config.get', () => {
  it('returns the file with comments and every secret value redacted, the real hash and the redacted config', async () => {
    const snapshot = await readConfigSnapshot(deps);
    expect(snapshot).toMatchObject({ path: deps.configPath, exists: true, valid: true, errors: [], hash: sha256(SECRET_CONFIG) });
    expect(snapshot.raw).toBe(
      SECRET_CONFIG.replace("'tok-SECRET-gateway-0123456789'", "'[redacted]'")
        .replace('"123456:BOT-SECRET-abcdef"', '"[redacted]"')
        .replace("'sk-SECRET-provider-key'", "'[redacted]'")
        .replace("'Bearer HDR-SECRET-xyz'", "'[redacted]'"),
    );
    expect(snapshot.config).toMatchObject({ gateway: { port: 18789, auth: { token: '[redacted]' } }, models: { providers: { local: { headers: { Authorization: '[redacted]' } } } } });
    expectNoSecrets(snapshot);
  });

  it('redacts every value of the env block, whatever its name', async () => {
    writeFileSync(deps.configPath, '{ env: { GITHUB_PAT: "ghp_ENV-SECRET-1", vars: { DATABASE_URL: "postgres://u:ENV-SECRET-2@db/x" } } }');
    const snapshot = await readConfigSnapshot(deps);
    expect(snapshot.raw).toBe('{ env: { GITHUB_PAT: "[redacted]", vars: { DATABASE_URL: "[redacted]" } } }');
    expect(JSON.stringify(snapshot)).not.toContain('ENV-SECRET');
  });

  it('redacts every duplicate of a secret key, not only the one JSON5 keeps', async () => {
    writeFileSync(deps.configPath, '{ gateway: { auth: { token: "tok-SECRET-old-one", token: "tok-SECRET-gateway-0123456789" } } }');
    const snapshot = await readConfigSnapshot(deps);
    expect(snapshot.raw).toBe('{ gateway: { auth: { token: "[redacted]", token: "[redacted]" } } }');
    expect(JSON.stringify(snapshot)).not.toContain('old-one');
  });

  it('withholds the text of a file that is not JSON5, and its parse error does not quote the line', async () => {
    const broken = "{ gateway: { auth: { token: 'tok-SECRET-gateway-0123456789' oops } } }";
    writeFileSync(deps.configPath, broken);
    const snapshot = await readConfigSnapshot(deps);
    expect(snapshot).toMatchObject({ exists: true, raw: null, valid: false, config: null, hash: sha256(broken) });
    expect(snapshot.errors[0]?.code).toBe('CONFIG_PARSE');
    expectNoSecrets(snapshot);
    // The hash still allows replacing the broken file.
    await setConfigText(deps, { raw: '{ gateway: { port: 19000 } }', baseHash: snapshot.hash });
    expect(file()).toBe('{ gateway: { port: 19000 } }');
  });

  it('keeps ${VAR} references visible: they name a secret without containing it', async () => {
    writeFileSync(deps.configPath, '{ gateway: { auth: { token: "${GW_TOKEN}" } } }');
    const snapshot = await readConfigSnapshot({ ...deps, env: { GW_TOKEN: 'tok-SECRET-gateway-0123456789' } });
    expect(snapshot.raw).toContain('"${GW_TOKEN}"');
    expect(snapshot.config).toMatchObject({ gateway: { auth: { token: '[redacted]' } } });
    expectNoSecrets(snapshot);
  });

  it('reports a missing file as empty defaults', async () => {
    rmSync(deps.configPath);
    expect(await readConfigSnapshot(deps)).toMatchObject({ exists: false, raw: null, hash: sha256(''), valid: true });
  });
});

describe('config.set', () => {
  it('round-trips get → edit → set: the edit and its comments land, the real secrets are kept', async () => {
    const { raw, hash } = await readConfigSnapshot(deps);
    const edited = raw!.replace('port: 18789, // the default', 'port: 19000, // moved off the default');
    const result = await setConfigText(deps, { raw: edited, baseHash: hash });
    const expected = SECRET_CONFIG.replace('port: 18789, // the default', 'port: 19000, // moved off the default');
    expect(file()).toBe(expected);
    expect(result).toEqual({ ok: true, path: deps.configPath, hash: sha256(expected), changed: true, restartRequired: true, warnings: [] });
    expect(written).toEqual([result]);
    expect(existsSync(`${deps.configPath}.bak`)).toBe(true);
    expectNoSecrets(result);
  });

  it('refuses a stale baseHash and leaves the file alone', async () => {
    const { hash } = await readConfigSnapshot(deps);
    writeFileSync(deps.configPath, `${SECRET_CONFIG}\n`);
    const error = await refusal(() => setConfigText(deps, { raw: '{}', baseHash: hash }));
    expect(error).toMatchObject({ code: 'INVALID_REQUEST', message: 'config changed since it was read (baseHash mismatch); reload and retry' });
    expect(file()).toBe(`${SECRET_CONFIG}\n`);
  });

  it('refuses an invalid config, listing the errors, and writes nothing', async () => {
    const error = await refusal(() => setConfigText(deps, { raw: '{ gateway: { port: "high" }, session: { dmScope: "nope" } }' }));
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.message).toMatch(/^config\.set: the new config is invalid; nothing was written:\n {2}- /);
    expect(error.message).toContain('port');
    expect(error.message).toContain('session.dmScope');
    expect((error.details as { errors: unknown[] }).errors.length).toBeGreaterThanOrEqual(2);
    expect(file()).toBe(SECRET_CONFIG);
    expect(existsSync(`${deps.configPath}.bak`)).toBe(false);
    expect(written).toEqual([]);
  });

  it('refuses text that is not JSON5', async () => {
    const error = await refusal(() => setConfigText(deps, { raw: '{ gateway: ' }));
    expect(error).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(error.message).toMatch(/^config\.set: /);
    expect(file()).toBe(SECRET_CONFIG);
  });

  it('refuses a "[redacted]" placeholder where there is no current secret to keep', async () => {
    const error = await refusal(() => setConfigText(deps, { raw: '{ gateway: { remote: { token: "[redacted]" } } }' }));
    expect(error.message).toBe('config.set: "[redacted]" at gateway.remote.token has no current value to keep; send the real value');
    expect(file()).toBe(SECRET_CONFIG);
  });

  it('writes nothing when the text is unchanged', async () => {
    const result = await setConfigText(deps, { raw: SECRET_CONFIG });
    expect(result).toMatchObject({ changed: false, restartRequired: false, hash: sha256(SECRET_CONFIG) });
    expect(existsSync(`${deps.configPath}.bak`)).toBe(false);
    expect(written).toEqual([]);
  });
});

describe('config.patch', () => {
  it('edits in place: comments, quotes and untouched members stay byte for byte', async () => {
    const { hash } = await readConfigSnapshot(deps);
    const result = await patchConfigText(deps, { raw: { gateway: { port: 19001 } }, baseHash: hash });
    expect(file()).toBe(SECRET_CONFIG.replace('port: 18789,', 'port: 19001,'));
    expect(result).toMatchObject({ ok: true, changed: true, restartRequired: true, hash: sha256(file()) });
  });

  it('follows RFC 7396: null removes, objects merge or are created, arrays and scalars replace', async () => {
    await patchConfigText(deps, {
      raw: `{
        // JSON5 text works too
        channels: { telegram: null },
        models: { providers: { local: { headers: null } } },
        session: { mainKey: 'home', reset: { mode: 'idle', idleMinutes: null } },
        agents: { list: [{ id: 'main' }] },
      }`,
    });
    const text = file();
    expect(text).not.toContain('telegram');
    expect(text).not.toContain('headers');
    expect(text).toContain('/* a local server */');
    expect(text).toContain("apiKey: 'sk-SECRET-provider-key'");
    const snapshot = await readConfigSnapshot(deps);
    expect(snapshot.valid).toBe(true);
    expect(snapshot.config).toMatchObject({ session: { mainKey: 'home', reset: { mode: 'idle' } }, agents: { list: [{ id: 'main' }] } });
    expect((snapshot.config as { session: { reset: object } }).session.reset).not.toHaveProperty('idleMinutes');
  });

  it('keeps a secret sent back as "[redacted]" and reports no restart for changes outside gateway.*', async () => {
    const result = await patchConfigText(deps, { raw: { gateway: { auth: { token: '[redacted]' } }, session: { mainKey: 'home' } } });
    expect(file()).toContain("token: 'tok-SECRET-gateway-0123456789'");
    expect(result).toMatchObject({ changed: true, restartRequired: false });
  });

  it('refuses a patch that makes the config invalid, a stale hash, and a non-object patch', async () => {
    expect(await refusal(() => patchConfigText(deps, { raw: { gateway: { port: -1 } } }))).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(await refusal(() => patchConfigText(deps, { raw: {}, baseHash: sha256('other') }))).toMatchObject({ message: expect.stringContaining('baseHash mismatch') });
    expect(await refusal(() => patchConfigText(deps, { raw: '[1, 2]' }))).toMatchObject({ message: expect.stringContaining('must be a JSON object') });
    expect(await refusal(() => patchConfigText(deps, { raw: { gateway: { remote: { password: '[redacted]' } } } }))).toMatchObject({ message: expect.stringContaining('gateway.remote.password') });
    expect(file()).toBe(SECRET_CONFIG);
    expect(written).toEqual([]);
  });

  it('writes nothing for a patch that changes nothing', async () => {
    expect(await patchConfigText(deps, { raw: { gateway: { port: 18789 } } })).toMatchObject({ changed: false, hash: sha256(SECRET_CONFIG) });
    expect(existsSync(`${deps.configPath}.bak`)).toBe(false);
  });

  it('creates the file when there is none', async () => {
    rmSync(deps.configPath);
    const result = await patchConfigText(deps, { raw: { gateway: { port: 19002 } } });
    expect(JSON.parse(file())).toEqual({ gateway: { port: 19002 } });
    expect(result.hash).toBe(sha256(file()));
  });
});

describe('registerConfigMethods', () => {
  it('registers the four methods and validates params (extra ones are ignored)', async () => {
    const registry = new MethodRegistry();
    const context = {} as MethodContext;
    const remove = registerConfigMethods({ registerMethod: (name, method) => registry.register(name, method) }, deps);
    expect(registry.names()).toEqual(['config.get', 'config.patch', 'config.schema', 'config.set']);
    await expect(registry.invoke('config.set', {}, context)).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('invalid params for config.set at raw') });
    await expect(registry.invoke('config.set', { raw: SECRET_CONFIG, note: 'x', sessionKey: 'y' }, context)).resolves.toMatchObject({ ok: true, changed: false });
    const schema = (await registry.invoke('config.schema', {}, context)) as { schema: { properties: object }; version: string };
    expect(schema.version).toBe('9.9.9');
    expect(Object.keys(schema.schema.properties)).toContain('gateway');
    remove();
    expect(registry.names()).toEqual([]);
  });
});
