import { describe, expect, it } from 'vitest';
import { buildSessionKey, normalizeAgentId, normalizeSessionKey, parseSessionKey } from './session-key.ts';
import type { SessionKeyInput } from './session-key.ts';

describe('buildSessionKey', () => {
  const dm = { kind: 'dm', channel: 'Telegram', peerId: 12345, accountId: 'Work' } as const;

  it.each<[string, SessionKeyInput, string]>([
    ['main', { kind: 'main' }, 'agent:main:main'],
    ['main with agent and mainKey', { kind: 'main', agentId: 'Ops', mainKey: 'Home' }, 'agent:ops:home'],
    ['dm, default scope main', dm, 'agent:main:main'],
    ['dm, scope main keeps mainKey', { ...dm, dmScope: 'main', mainKey: 'desk' }, 'agent:main:desk'],
    ['dm per-peer', { ...dm, dmScope: 'per-peer' }, 'agent:main:dm:12345'],
    ['dm per-channel-peer', { ...dm, dmScope: 'per-channel-peer' }, 'agent:main:telegram:dm:12345'],
    ['dm per-account-channel-peer', { ...dm, dmScope: 'per-account-channel-peer' }, 'agent:main:telegram:work:dm:12345'],
    ['default account', { ...dm, accountId: undefined, dmScope: 'per-account-channel-peer' }, 'agent:main:telegram:default:dm:12345'],
    ['group', { kind: 'group', channel: 'discord', id: 'G1' }, 'agent:main:discord:group:g1'],
    ['channel', { kind: 'channel', channel: 'Slack', id: 'C9', agentId: 'work' }, 'agent:work:slack:channel:c9'],
    ['thread', { kind: 'channel', channel: 'discord', id: '1', threadId: 'T7' }, 'agent:main:discord:channel:1:thread:t7'],
    ['telegram topic', { kind: 'group', channel: 'telegram', id: -1001, threadId: 42 }, 'agent:main:telegram:group:-1001:topic:42'],
    ['dm thread', { ...dm, dmScope: 'per-peer', threadId: 'x' }, 'agent:main:dm:12345:thread:x'],
    ['whitespace and case', { kind: 'dm', channel: ' WhatsApp ', peerId: ' +4917 ', dmScope: 'per-channel-peer' }, 'agent:main:whatsapp:dm:+4917'],
    ['empty peer', { kind: 'dm', channel: 'x', peerId: ' ', dmScope: 'per-peer' }, 'agent:main:dm:unknown'],
  ])('%s', (_name, input, key) => {
    expect(buildSessionKey(input)).toBe(key);
  });
});

describe('normalizeAgentId', () => {
  it.each([
    [undefined, 'main'],
    ['', 'main'],
    ['  Work ', 'work'],
    ['My Agent!', 'my-agent'],
    ['--x--', 'x'],
    ['!!!', 'main'],
    ['a'.repeat(70), 'a'.repeat(64)],
    ['é-bot', 'bot'],
  ])('%j → %s', (input, id) => {
    expect(normalizeAgentId(input)).toBe(id);
    expect(normalizeAgentId(input)).toMatch(/^[a-z0-9_-]{1,64}$/);
  });
});

describe('normalizeSessionKey', () => {
  it.each([
    ['main', 'agent:main:main'],
    ['  MAIN ', 'agent:main:main'],
    ['', 'agent:main:main'],
    ['dm:telegram:123', 'agent:main:telegram:dm:123'],
    ['DM:Telegram:123', 'agent:main:telegram:dm:123'],
    ['group:discord:g:1', 'agent:main:discord:group:g:1'],
    ['channel:slack:c1', 'agent:main:slack:channel:c1'],
    ['global', 'global'],
    ['cron:nightly', 'agent:main:cron:nightly'],
    ['telegram:group:-100', 'agent:main:telegram:group:-100'],
    ['Agent:Ops:Main', 'agent:ops:main'],
    ['agent:My Bot:x', 'agent:my-bot:x'],
    ['agent:ops', 'agent:ops:main'],
    ['dm:telegram', 'agent:main:dm:telegram'],
  ])('%j → %s', (key, expected) => {
    expect(normalizeSessionKey(key)).toBe(expected);
  });

  it('puts short keys under the given agent and main key', () => {
    expect(normalizeSessionKey('main', { agentId: 'work', mainKey: 'desk' })).toBe('agent:work:desk');
    expect(normalizeSessionKey('desk', { mainKey: 'desk' })).toBe('agent:main:desk');
    expect(normalizeSessionKey('dm:tg:1', { agentId: 'work' })).toBe('agent:work:tg:dm:1');
  });

  it('is idempotent on canonical keys', () => {
    for (const key of ['agent:main:main', 'agent:a:telegram:work:dm:1:thread:2', 'agent:b:discord:group:x']) {
      expect(normalizeSessionKey(key)).toBe(key);
      expect(normalizeSessionKey(normalizeSessionKey(key))).toBe(key);
    }
  });
});

describe('parseSessionKey', () => {
  it('round-trips every key shape buildSessionKey makes', () => {
    const cases: Array<[SessionKeyInput, Record<string, unknown>]> = [
      [{ kind: 'main', agentId: 'ops', mainKey: 'home' }, { agentId: 'ops', kind: 'main', mainKey: 'home' }],
      [{ kind: 'dm', channel: 'tg', peerId: 1, dmScope: 'per-peer' }, { kind: 'dm', dmScope: 'per-peer', peerId: '1' }],
      [{ kind: 'dm', channel: 'tg', peerId: 1, dmScope: 'per-channel-peer' }, { kind: 'dm', dmScope: 'per-channel-peer', channel: 'tg', peerId: '1' }],
      [
        { kind: 'dm', channel: 'tg', peerId: 1, accountId: 'b', dmScope: 'per-account-channel-peer', threadId: 9 },
        { kind: 'dm', dmScope: 'per-account-channel-peer', channel: 'tg', accountId: 'b', peerId: '1', threadId: '9', threadKind: 'thread' },
      ],
      [{ kind: 'group', channel: 'telegram', id: -5, threadId: 3 }, { kind: 'group', channel: 'telegram', id: '-5', threadId: '3', threadKind: 'topic' }],
      [{ kind: 'channel', channel: 'matrix', id: '!room:server.org' }, { kind: 'channel', channel: 'matrix', id: '!room:server.org' }],
    ];
    for (const [input, expected] of cases) expect(parseSessionKey(buildSessionKey(input))).toMatchObject(expected);
  });

  it('reads keys of later originals (`direct`) and leaves unknown shapes as other', () => {
    expect(parseSessionKey('agent:main:telegram:direct:7')).toMatchObject({ kind: 'dm', channel: 'telegram', peerId: '7' });
    expect(parseSessionKey('agent:main:cron:nightly')).toMatchObject({ kind: 'other', rest: 'cron:nightly' });
    expect(parseSessionKey('global')).toBeNull();
    expect(parseSessionKey('agent:main')).toBeNull();
    expect(parseSessionKey('dm:telegram:1')).toBeNull();
  });
});
