import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExecFn } from './tailscale.ts';
import { createCachedWhois, createExecFile, tailscaleIPv4, tailscaleWhois, verifyTailscaleRequest } from './tailscale.ts';

const FAKE_BIN = fileURLToPath(new URL('../../test/fake-bin', import.meta.url));

let dir: string;
let argsFile: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'openclaw-tailscale-'));
  argsFile = join(dir, 'args');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The real execFile runner, with the fake `tailscale` first on PATH. */
function fakeExec(scenario: string, extra: Record<string, string> = {}): ExecFn {
  const env = {
    ...process.env,
    PATH: `${FAKE_BIN}${delimiter}${process.env['PATH'] ?? ''}`,
    FAKE_TAILSCALE_ARGS_FILE: argsFile,
    FAKE_TAILSCALE_SCENARIO: scenario,
    ...extra,
  };
  return createExecFile({ env, timeoutMs: 10_000 });
}

function recordedCalls(): string[][] {
  let text: string;
  try {
    text = readFileSync(argsFile, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t'));
}

describe('createExecFile', () => {
  it('reports a missing program as code 127 instead of throwing', async () => {
    const exec = createExecFile({ env: { PATH: dir } });
    expect(await exec('tailscale', ['version'])).toEqual({ stdout: '', code: 127 });
  });
});

describe('tailscaleWhois via the fake tailscale executable', () => {
  it('runs `tailscale whois --json <ip>` and reads the login', async () => {
    const identity = await tailscaleWhois(fakeExec('alice'), '100.101.1.2');
    expect(identity).toEqual({ login: 'Alice@Example.com', name: 'Alice Example' });
    expect(recordedCalls()).toEqual([['whois', '--json', '100.101.1.2']]);
  });

  it('tolerates warning lines around the JSON', async () => {
    expect(await tailscaleWhois(fakeExec('noisy'), '100.101.1.2')).toEqual({ login: 'Alice@Example.com', name: 'Alice Example' });
  });

  it.each(['nouser', 'garbage', 'down'])('returns null for %s', async (scenario) => {
    expect(await tailscaleWhois(fakeExec(scenario), '100.101.1.2')).toBeNull();
  });

  it('never passes a non-IP (e.g. an option) to the CLI', async () => {
    expect(await tailscaleWhois(fakeExec('alice'), '--socket=/tmp/x')).toBeNull();
    expect(recordedCalls()).toEqual([]);
  });

  it('normalises a mapped address before asking', async () => {
    await tailscaleWhois(fakeExec('alice'), '::ffff:100.101.1.2');
    expect(recordedCalls()).toEqual([['whois', '--json', '100.101.1.2']]);
  });
});

describe('createCachedWhois', () => {
  it('caches answers per IP and expires them', async () => {
    const time = { now: 0 };
    const whois = createCachedWhois(fakeExec('alice'), { clock: () => time.now, cacheTtlMs: 1_000 });
    await whois('100.101.1.2');
    await whois('100.101.1.2');
    expect(recordedCalls()).toHaveLength(1);
    time.now = 1_001;
    await whois('100.101.1.2');
    expect(recordedCalls()).toHaveLength(2);
  });
});

describe('tailscaleIPv4', () => {
  it('reads `tailscale ip -4`', async () => {
    expect(await tailscaleIPv4(fakeExec('alice', { FAKE_TAILSCALE_IP: '100.88.1.2' }), { networkInterfaces: () => ({}) })).toBe('100.88.1.2');
    expect(recordedCalls()).toEqual([['ip', '-4']]);
  });

  it('falls back to an interface address in 100.64.0.0/10', async () => {
    const interfaces = () => ({
      eth0: [{ address: '192.168.1.4', family: 'IPv4', internal: false, netmask: '', mac: '', cidr: null }],
      tailscale0: [{ address: '100.70.0.9', family: 'IPv4', internal: false, netmask: '', mac: '', cidr: null }],
    }) as unknown as NodeJS.Dict<import('node:os').NetworkInterfaceInfo[]>;
    expect(await tailscaleIPv4(fakeExec('down'), { networkInterfaces: interfaces })).toBe('100.70.0.9');
  });

  it('is undefined without Tailscale', async () => {
    expect(await tailscaleIPv4(fakeExec('down'), { networkInterfaces: () => ({}) })).toBeUndefined();
    expect(await tailscaleIPv4(fakeExec('alice', { FAKE_TAILSCALE_IP: '10.0.0.1' }), { networkInterfaces: () => ({}) })).toBeUndefined();
  });
});

describe('verifyTailscaleRequest', () => {
  const serveHeaders = {
    host: 'gw.tail1234.ts.net',
    'tailscale-user-login': 'alice@example.com',
    'tailscale-user-name': 'Alice',
    'x-forwarded-for': '100.101.1.2',
    'x-forwarded-proto': 'https',
    'x-forwarded-host': 'gw.tail1234.ts.net',
  };

  it('accepts a Serve request whose whois login matches case-insensitively', async () => {
    const result = await verifyTailscaleRequest({ remoteAddress: '127.0.0.1', headers: serveHeaders }, createCachedWhois(fakeExec('alice')));
    expect(result).toEqual({ ok: true, user: { login: 'Alice@Example.com', name: 'Alice Example' } });
    expect(recordedCalls()).toEqual([['whois', '--json', '100.101.1.2']]);
  });

  it('asks whois about the hop Serve appended, not a client-supplied one', async () => {
    const headers = { ...serveHeaders, 'x-forwarded-for': '100.64.0.99, 100.101.1.2' };
    await verifyTailscaleRequest({ remoteAddress: '127.0.0.1', headers }, createCachedWhois(fakeExec('alice')));
    expect(recordedCalls()).toEqual([['whois', '--json', '100.101.1.2']]);
  });

  it('rejects a forged login', async () => {
    const headers = { ...serveHeaders, 'tailscale-user-login': 'mallory@example.com' };
    const result = await verifyTailscaleRequest({ remoteAddress: '127.0.0.1', headers }, createCachedWhois(fakeExec('alice')));
    expect(result).toEqual({ ok: false, reason: 'tailscale_user_mismatch' });
  });

  it('rejects missing identity, non-proxied requests and failed lookups', async () => {
    const whois = createCachedWhois(fakeExec('alice'));
    const { ['tailscale-user-login']: _login, ...anonymous } = serveHeaders;
    expect(await verifyTailscaleRequest({ remoteAddress: '127.0.0.1', headers: anonymous }, whois)).toEqual({ ok: false, reason: 'tailscale_user_missing' });
    expect(await verifyTailscaleRequest({ remoteAddress: '100.101.1.2', headers: serveHeaders }, whois)).toEqual({
      ok: false,
      reason: 'tailscale_proxy_missing',
    });
    const { ['x-forwarded-proto']: _proto, ...partial } = serveHeaders;
    expect(await verifyTailscaleRequest({ remoteAddress: '127.0.0.1', headers: partial }, whois)).toEqual({ ok: false, reason: 'tailscale_proxy_missing' });
    expect(recordedCalls()).toEqual([]);
    const down = createCachedWhois(fakeExec('down'));
    expect(await verifyTailscaleRequest({ remoteAddress: '127.0.0.1', headers: serveHeaders }, down)).toEqual({ ok: false, reason: 'tailscale_whois_failed' });
  });
});
