import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli, tempHome } from '../test/run-cli.ts';
import { recordedCalls, runWithFakeSystemd } from '../test/fake-systemd/index.ts';

const ANTHROPIC = 'sk-ant-test-0123456789abcdef';
const TELEGRAM = '123456:TelegramSecretToken_abc';
const BASE = ['onboard', '--non-interactive', '--accept-risk'];

beforeAll(assertBuilt);

const mode = (path: string): number => statSync(path).mode & 0o777;
const state = (home: string, ...parts: string[]): string => join(home, '.openclaw', ...parts);

function onboard(home: string, ...args: string[]): ReturnType<typeof runCli> {
  const result = runCli([...BASE, ...args], { home });
  expect(result.code, result.stderr).toBe(0);
  return result;
}

describe('openclaw onboard --non-interactive', () => {
  it('writes a valid config, secrets only in .env and credentials/, private modes, workspace files', () => {
    const home = tempHome();
    const result = onboard(home, '--anthropic-api-key', ANTHROPIC, '--telegram-bot-token', TELEGRAM);
    expect(result.stdout).toMatch(/Dashboard URL: http:\/\/127\.0\.0\.1:18789\/\?token=[0-9a-f]{64}/);
    expect(result.stdout).toContain('Next: openclaw gateway');
    expect(result.stdout + result.stderr).not.toContain(ANTHROPIC);
    expect(result.stdout + result.stderr).not.toContain(TELEGRAM);

    const validate = runCli(['config', 'validate'], { home });
    expect(validate.code, validate.stderr).toBe(0);

    const config = readFileSync(state(home, 'openclaw.json'), 'utf8');
    expect(config).not.toContain(ANTHROPIC);
    expect(config).not.toContain(TELEGRAM);
    expect(config).toContain('"botToken": "${TELEGRAM_BOT_TOKEN}"');
    expect(config).toContain('"token": "${OPENCLAW_GATEWAY_TOKEN}"');
    expect(config).toContain('"dmPolicy": "pairing"');
    expect(config).toContain('"primary": "anthropic/claude-opus-4-5"');

    const env = readFileSync(state(home, '.env'), 'utf8');
    expect(env).toContain(`TELEGRAM_BOT_TOKEN=${TELEGRAM}`);
    expect(env).toMatch(/^OPENCLAW_GATEWAY_TOKEN=[0-9a-f]{64}$/m);
    expect(env).not.toContain(ANTHROPIC);

    const credential = JSON.parse(readFileSync(state(home, 'credentials', 'anthropic.default.json'), 'utf8')) as Record<string, unknown>;
    expect(credential).toMatchObject({ type: 'api_key', provider: 'anthropic', profile: 'default', key: ANTHROPIC });

    expect(mode(state(home))).toBe(0o700);
    expect(mode(state(home, 'credentials'))).toBe(0o700);
    for (const file of ['openclaw.json', '.env', 'credentials/anthropic.default.json', 'workspace/AGENTS.md']) expect(mode(state(home, file)), file).toBe(0o600);
    for (const file of ['AGENTS.md', 'SOUL.md', 'MEMORY.md', 'skills']) expect(existsSync(state(home, 'workspace', file)), file).toBe(true);

    const token = /^OPENCLAW_GATEWAY_TOKEN=(\S+)$/m.exec(env)![1]!;
    const reveal = runCli(['config', 'get', 'gateway.auth.token', '--reveal'], { home });
    expect(reveal.stdout.trim()).toBe(token);
  });

  it('--json prints a parseable summary with no secret in it', () => {
    const home = tempHome();
    const result = onboard(home, '--openai-api-key', 'sk-openai-secret-xyz', '--discord-bot-token', 'discord-secret-abc', '--gateway-token', 'given-gateway-token-0123456789', '--json');
    const summary = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({ ok: true, primaryModel: 'openai/gpt-5', channels: ['discord'], bind: 'loopback', port: 18789, authMode: 'token', daemon: null });
    for (const secret of ['sk-openai-secret-xyz', 'discord-secret-abc', 'given-gateway-token-0123456789']) expect(result.stdout).not.toContain(secret);
    expect(readFileSync(state(home, '.env'), 'utf8')).toContain('OPENCLAW_GATEWAY_TOKEN=given-gateway-token-0123456789');
    expect(existsSync(state(home, 'credentials', 'openai.default.json'))).toBe(true);
  });

  it('re-running keeps what exists, fills only what is missing (after a .bak), and then changes nothing', () => {
    const home = tempHome();
    onboard(home, '--anthropic-api-key', ANTHROPIC, '--gateway-port', '19555');
    const env1 = readFileSync(state(home, '.env'), 'utf8');
    const credential1 = readFileSync(state(home, 'credentials', 'anthropic.default.json'), 'utf8');

    const second = onboard(home, '--anthropic-api-key', 'sk-ant-other-key', '--gateway-port', '20000', '--telegram-bot-token', TELEGRAM);
    expect(second.stdout).toContain('= gateway.port (kept)');
    expect(second.stdout).toContain('+ channels.telegram.botToken');
    expect(existsSync(state(home, 'openclaw.json.bak'))).toBe(true);
    const config2 = readFileSync(state(home, 'openclaw.json'), 'utf8');
    expect(config2).toContain('"port": 19555');
    expect(config2).toContain('// OpenClaw config');
    expect(readFileSync(state(home, 'credentials', 'anthropic.default.json'), 'utf8')).toBe(credential1);
    const env2 = readFileSync(state(home, '.env'), 'utf8');
    expect(env2.startsWith(env1)).toBe(true);

    const third = onboard(home, '--anthropic-api-key', 'sk-ant-other-key', '--telegram-bot-token', TELEGRAM);
    expect(third.stdout).toContain('already had everything; not rewritten');
    expect(third.stdout).not.toMatch(/^ {2}\+ /m);
    expect(readFileSync(state(home, 'openclaw.json'), 'utf8')).toBe(config2);
    expect(readFileSync(state(home, '.env'), 'utf8')).toBe(env2);
    expect(existsSync(state(home, 'openclaw.json.bak.1'))).toBe(false);
    expect(runCli(['config', 'validate'], { home }).code).toBe(0);
  });

  it('--install-daemon installs the unit through systemctl --user (fake systemd)', () => {
    const home = tempHome();
    const result = runWithFakeSystemd([...BASE, '--install-daemon'], home);
    expect(result.code, result.stderr).toBe(0);
    const unit = join(home, '.config', 'systemd', 'user', 'openclaw-gateway.service');
    expect(readFileSync(unit, 'utf8')).toContain('gateway --port 18789');
    const calls = recordedCalls(home);
    for (const call of ['systemctl --user daemon-reload', 'systemctl --user enable openclaw-gateway.service', 'systemctl --user start openclaw-gateway.service']) expect(calls).toContain(call);
    expect(result.stdout).toContain('Next: openclaw gateway status');
  });

  it('--install-daemon without a user bus writes nothing and says what to run', () => {
    const home = tempHome();
    const result = runWithFakeSystemd([...BASE, '--install-daemon'], home, { FAKE_SYSTEMD_BUS: 'down' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('fix:');
    expect(existsSync(state(home))).toBe(false);
  });

  it('refuses without --accept-risk (exit 2, why, and the command)', () => {
    const home = tempHome();
    const result = runCli(['onboard', '--non-interactive', '--anthropic-api-key', ANTHROPIC], { home });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--accept-risk');
    expect(result.stderr).toContain('run commands');
    expect(result.stderr).not.toContain(ANTHROPIC);
    expect(existsSync(state(home))).toBe(false);
  });

  it('refuses password auth without a password (exit 2, the fix), writing nothing', () => {
    const home = tempHome();
    const result = runCli([...BASE, '--gateway-bind', 'lan', '--gateway-auth', 'password'], { home });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--gateway-password');
    expect(existsSync(state(home))).toBe(false);
  });

  it('stores a given password in .env, referenced from the config', () => {
    const home = tempHome();
    onboard(home, '--gateway-bind', 'lan', '--gateway-auth', 'password', '--gateway-password', 'a long gateway password');
    expect(readFileSync(state(home, 'openclaw.json'), 'utf8')).toContain('"password": "${OPENCLAW_GATEWAY_PASSWORD}"');
    expect(readFileSync(state(home, '.env'), 'utf8')).toContain('OPENCLAW_GATEWAY_PASSWORD="a long gateway password"');
    expect(runCli(['config', 'validate'], { home }).code).toBe(0);
  });

  it('without a terminal and without --non-interactive: exit 2 with the command to use', () => {
    const home = tempHome();
    const result = runCli(['onboard', '--telegram-bot-token', TELEGRAM], { home });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('openclaw onboard --non-interactive --accept-risk --anthropic-api-key "$ANTHROPIC_API_KEY" --telegram-bot-token "$TELEGRAM_BOT_TOKEN"');
    expect(result.stderr).not.toContain(TELEGRAM);
  });
});
