import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, assertBuilt, runCli, tempHome } from '../test/run-cli.ts';
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
    expect(second.stderr).toContain('one is already stored; kept the stored one');
    expect(second.stderr).not.toContain('sk-ant-other-key');
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

  it('warns about a short given token (without printing it)', () => {
    const home = tempHome();
    const result = onboard(home, '--gateway-token', 'shorty-token');
    expect(result.stderr).toContain('has 12 characters; use at least 24');
    expect(result.stderr).not.toContain('shorty-token');
  });

  it('--json without --non-interactive: exit 2 with the command to use, as JSON', () => {
    const result = runCli(['onboard', '--json'], { home: tempHome() });
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, fix: 'openclaw onboard --non-interactive --accept-risk --anthropic-api-key "$ANTHROPIC_API_KEY" --json' });
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

/**
 * Runs the built CLI in a real pseudo-terminal (python3's pty module) and answers its prompts:
 * each step waits (up to 20 s) for its text to appear, with ANSI escapes stripped, then types
 * the keys. Prints the whole screen text and exits with the CLI's exit code (3 on a timeout).
 */
const PTY_DRIVER = String.raw`
import fcntl, json, os, pty, re, select, struct, sys, termios, time
steps = json.loads(sys.argv[1])
cmd = json.loads(sys.argv[2])
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack('HHHH', 50, 160, 0, 0))
    os.execvpe(cmd[0], cmd, os.environ)
ansi = re.compile(r'\x1b\[[0-9;?]*[A-Za-z]|\x1b[78]')
raw = b''
seen = 0
def pump(timeout):
    global raw
    r, _, _ = select.select([fd], [], [], timeout)
    if not r:
        return True
    try:
        data = os.read(fd, 65536)
    except OSError:
        return False
    if not data:
        return False
    raw += data
    return True
for expect, send in steps:
    deadline = time.time() + 20
    while True:
        text = ansi.sub('', raw.decode('utf8', 'replace'))
        i = text.find(expect, seen)
        if i >= 0:
            seen = i + len(expect)
            break
        if time.time() > deadline or not pump(0.2):
            sys.stdout.write(text)
            sys.stdout.write('\n[pty] timed out waiting for: %r\n' % expect)
            os.kill(pid, 9)
            sys.exit(3)
    time.sleep(0.15)
    os.write(fd, send.encode())
while pump(0.5):
    if time.time() > deadline + 20:
        break
_, status = os.waitpid(pid, 0)
sys.stdout.write(ansi.sub('', raw.decode('utf8', 'replace')))
sys.exit(os.waitstatus_to_exitcode(status) if hasattr(os, 'waitstatus_to_exitcode') else 0)
`;

const DOWN = '\x1b[B';

function inPty(home: string, steps: readonly [expect: string, keys: string][], args: readonly string[] = []): { code: number | null; screen: string } {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, TERM: 'xterm-256color', LANG: 'C.UTF-8' };
  const result = spawnSync('python3', ['-c', PTY_DRIVER, JSON.stringify(steps), JSON.stringify([process.execPath, CLI, 'onboard', ...args])], { cwd: home, env, encoding: 'utf8', timeout: 120_000 });
  return { code: result.status, screen: `${result.stdout}${result.stderr}` };
}

describe('openclaw onboard (the wizard, in a real pseudo-terminal)', () => {
  it('asks each step, masks the pasted secrets, and writes the same files as --non-interactive', () => {
    const home = tempHome();
    const key = 'sk-ant-typed-in-the-pty-0123';
    const { code, screen } = inPty(home, [
      ['I understand', 'y'],
      ['Which model provider', '\r'],
      ['Paste your Anthropic API key', `${key}\r`],
      ['Primary model', `${DOWN}\r`],
      ['Channels to set up', ' \r'],
      ['Paste the Telegram bot token', `${TELEGRAM}\r`],
      ['Where should the gateway listen', '\r'],
      ['How should clients authenticate', '\r'],
      ['Install the gateway as a systemd user service', 'n'],
    ]);
    expect(code, screen).toBe(0);
    expect(screen).toContain('Config written');
    expect(screen).toMatch(/Dashboard URL: http:\/\/127\.0\.0\.1:18789\/\?token=[0-9a-f]{64}/);
    expect(screen).not.toContain(key);
    expect(screen).not.toContain(TELEGRAM);

    const config = readFileSync(state(home, 'openclaw.json'), 'utf8');
    expect(config).toContain('"primary": "anthropic/claude-sonnet-4-5"');
    expect(config).toContain('"botToken": "${TELEGRAM_BOT_TOKEN}"');
    expect(config).not.toContain(key);
    expect(readFileSync(state(home, '.env'), 'utf8')).toContain(`TELEGRAM_BOT_TOKEN=${TELEGRAM}`);
    expect(JSON.parse(readFileSync(state(home, 'credentials', 'anthropic.default.json'), 'utf8'))).toMatchObject({ type: 'api_key', key });
    expect(mode(state(home, '.env'))).toBe(0o600);
    expect(existsSync(state(home, 'workspace', 'AGENTS.md'))).toBe(true);
    expect(runCli(['config', 'validate'], { home }).code).toBe(0);
  });

  it('Ctrl-C at a prompt exits 130 and writes nothing', () => {
    const home = tempHome();
    const { code, screen } = inPty(
      home,
      [
        ['Which model provider', '\r'],
        ['Paste your Anthropic API key', 'sk-ant-half\x03'],
      ],
      ['--accept-risk'],
    );
    expect(code, screen).toBe(130);
    expect(screen).toContain('nothing was written');
    expect(existsSync(state(home))).toBe(false);
  });
});
