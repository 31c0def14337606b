import { describe, expect, it } from 'vitest';
import { createLogger, memorySink } from '../log/index.ts';
import { ChannelError, ChannelRegistry } from './index.ts';
import type { ChannelRegistryOptions, InboundMessage } from './index.ts';
import { FakeChannel, ManualScheduler, fakeAccount, settle } from '../../test/fake-channel.ts';
import type { FakeAccount } from '../../test/fake-channel.ts';

function setup(options: Partial<ChannelRegistryOptions> = {}) {
  const scheduler = new ManualScheduler();
  const routed: InboundMessage[] = [];
  const sink = memorySink();
  const registry = new ChannelRegistry({
    onInbound: async (message) => {
      routed.push(message);
    },
    logger: createLogger({ sinks: [sink], level: 'debug' }),
    clock: scheduler.clock,
    scheduler,
    random: () => 0,
    ...options,
  });
  return { registry, scheduler, routed, sink };
}

function accounts(map: Record<string, Partial<FakeAccount>>) {
  return Object.entries(map).map(([accountId, overrides]) => ({ accountId, config: fakeAccount(overrides) }));
}

function account(registry: ChannelRegistry, channel: string, accountId?: string) {
  return registry.account(channel, accountId).snapshot;
}

describe('isolation', () => {
  it('a channel throwing on every start and one whose messages all fail leave the others connected and answering', async () => {
    const { registry } = setup({
      onInbound: async (message) => {
        if (message.channel === 'grumpy') throw new Error('router exploded');
      },
    });
    const broken = new FakeChannel({ id: 'broken' });
    const exploding = new FakeChannel({ id: 'exploding', createThrows: true });
    const grumpy = new FakeChannel({ id: 'grumpy' });
    const fine = new FakeChannel({ id: 'fine' });
    registry.add(broken.plugin, accounts({ default: { failStarts: 1_000 } }));
    registry.add(exploding.plugin, accounts({ default: {} }));
    registry.add(grumpy.plugin, accounts({ default: {} }));
    registry.add(fine.plugin, accounts({ a: {}, b: {} }));

    await expect(registry.startAll()).resolves.toBeUndefined();

    expect(account(registry, 'broken')).toMatchObject({ state: 'retrying', running: true, connected: false, reconnectAttempts: 1, lastError: expect.stringMatching(/start failure 1/) });
    expect(account(registry, 'exploding')).toMatchObject({ state: 'retrying', connected: false, lastError: 'create exploded' });
    for (let i = 0; i < 3; i += 1) await expect(grumpy.latest('default').receive({ text: `m${i}` })).resolves.toBeUndefined();
    expect(account(registry, 'grumpy')).toMatchObject({ state: 'running', connected: true, inboundErrors: 3, lastError: 'router exploded' });

    await expect(registry.send({ channel: 'fine', accountId: 'b', target: 'chat-9', message: { text: 'hi' } })).resolves.toEqual({ messageIds: ['m1'] });
    await expect(registry.send({ channel: 'grumpy', target: 'chat-1', message: { text: 'still here' } })).resolves.toEqual({ messageIds: ['m1'] });
    expect(fine.sent).toEqual([{ accountId: 'b', target: 'chat-9', message: { text: 'hi' } }]);
    expect(account(registry, 'fine', 'a').connected).toBe(true);

    const notConnected = await registry.send({ channel: 'broken', target: 'x', message: { text: 'no' } }).catch((e: unknown) => e);
    expect(notConnected).toBeInstanceOf(ChannelError);
    expect(notConnected).toMatchObject({ code: 'CHANNEL_NOT_CONNECTED', channel: 'broken', accountId: 'default' });
    await registry.stopAll();
  });

  it('a send failure is a typed error and leaves the account connected', async () => {
    const { registry, scheduler } = setup();
    const fake = new FakeChannel();
    registry.add(fake.plugin, accounts({ default: { sendFails: true } }));
    await registry.startAll();
    const error = (await registry.send({ channel: 'fake', target: 't', message: { text: 'x' } }).catch((e: unknown) => e)) as ChannelError;
    expect(error).toMatchObject({ code: 'SEND_FAILED', message: 'fake account "default": send failed: remote said 500' });
    expect((error.cause as Error).message).toBe('remote said 500');
    expect(account(registry, 'fake')).toMatchObject({ connected: true, lastError: 'remote said 500', lastOutboundAt: null });
    await scheduler.advance(600_000);
    expect(fake.count('start:default')).toBe(1);
  });

  it('unknown channels and accounts are typed errors', async () => {
    const { registry } = setup();
    registry.add(new FakeChannel().plugin, accounts({ a: {} }));
    await expect(registry.send({ channel: 'nope', target: 't', message: { text: '' } })).rejects.toMatchObject({ code: 'CHANNEL_UNKNOWN', hint: 'configured channels: fake' });
    await expect(registry.send({ channel: 'fake', accountId: 'z', target: 't', message: { text: '' } })).rejects.toMatchObject({ code: 'ACCOUNT_UNKNOWN', hint: 'accounts: a' });
    expect(() => registry.add(new FakeChannel().plugin, [])).toThrow(/already registered/);
    expect(() => registry.add(new FakeChannel({ id: 'Bad Id' }).plugin, [])).toThrow(/invalid channel id/);
    expect(() => registry.add(new FakeChannel({ id: 'two' }).plugin, accounts({ '../x': {} }))).toThrow(/invalid account id/);
  });
});

describe('retries', () => {
  it('retries a failing start after 2 s, 4 s, 8 s and connects on the fourth attempt', async () => {
    const { registry, scheduler } = setup();
    const fake = new FakeChannel();
    registry.add(fake.plugin, accounts({ default: { failStarts: 3 } }));
    await registry.startAll();
    for (const [attempt, delay] of [[1, 2_000], [2, 4_000], [3, 8_000]] as const) {
      const snapshot = account(registry, 'fake');
      expect(snapshot).toMatchObject({ state: 'retrying', reconnectAttempts: attempt });
      expect(snapshot.nextRetryAt! - scheduler.now).toBe(delay);
      await scheduler.advance(delay - 1);
      expect(fake.count('start:default')).toBe(attempt);
      await scheduler.advance(1);
      expect(fake.count('start:default')).toBe(attempt + 1);
    }
    expect(account(registry, 'fake')).toMatchObject({ state: 'running', connected: true, reconnectAttempts: 3, nextRetryAt: null, lastConnectedAt: scheduler.now });
    // Each failed instance was stopped before the next one was created.
    expect(fake.events.filter((e) => !e.startsWith('typing'))).toEqual([
      'create:default', 'start:default', 'stop:default',
      'create:default', 'start:default', 'stop:default',
      'create:default', 'start:default', 'stop:default',
      'create:default', 'start:default',
    ]);
    expect(fake.instances.slice(0, 3).every((i) => i.context.signal.aborted)).toBe(true);
    expect(fake.instances[3]!.context.signal.aborted).toBe(false);
  });

  it('caps the delay at maxMs and gives up after maxAttempts', async () => {
    const { registry, scheduler } = setup({ backoff: { initialMs: 1_000, maxMs: 3_000, maxAttempts: 4 } });
    const fake = new FakeChannel();
    registry.add(fake.plugin, accounts({ default: { failStarts: 100 } }));
    await registry.startAll();
    const delays: number[] = [];
    while (account(registry, 'fake').state === 'retrying') {
      const { nextRetryAt } = account(registry, 'fake');
      delays.push(nextRetryAt! - scheduler.now);
      await scheduler.advance(nextRetryAt! - scheduler.now);
    }
    expect(delays).toEqual([1_000, 2_000, 3_000]);
    expect(account(registry, 'fake')).toMatchObject({ state: 'gave-up', running: false, reconnectAttempts: 4 });
    expect(scheduler.pending()).toEqual([]);
  });

  it('applies jitter from the injected random source', async () => {
    const { registry, scheduler } = setup({ random: () => 0.5 });
    registry.add(new FakeChannel().plugin, accounts({ default: { failStarts: 1 } }));
    await registry.startAll();
    expect(account(registry, 'fake').nextRetryAt! - scheduler.now).toBe(2_200);
  });

  it('does not retry a ChannelAuthError and reports it with its hint until restarted', async () => {
    const { registry, scheduler, sink } = setup();
    const fake = new FakeChannel();
    registry.add(fake.plugin, accounts({ default: { authFailure: true }, other: {} }));
    await registry.startAll();
    await scheduler.advance(3_600_000);
    expect(fake.count('start:default')).toBe(1);
    expect(account(registry, 'fake')).toMatchObject({ state: 'auth-failed', running: false, connected: false, lastError: 'bot token revoked', hint: 'set a new token', reconnectAttempts: 0, nextRetryAt: null });
    expect(account(registry, 'fake', 'other').connected).toBe(true);
    expect(sink.records.find((r) => r.msg.includes('authentication failed'))).toMatchObject({ level: 'error', channel: 'fake', accountId: 'default' });
    await registry.restart('fake');
    expect(fake.count('start:default')).toBe(2);
  });

  it('restarts an instance that reports a lost connection, and a stable connection resets the count', async () => {
    const { registry, scheduler } = setup({ stableAfterMs: 60_000 });
    const fake = new FakeChannel();
    registry.add(fake.plugin, accounts({ default: { failStarts: 1 } }));
    await registry.startAll();
    await scheduler.advance(2_000);
    expect(account(registry, 'fake')).toMatchObject({ state: 'running', reconnectAttempts: 1 });

    const first = fake.latest('default');
    first.context.fail(new Error('socket closed'));
    await settle();
    expect(first.context.signal.aborted).toBe(true);
    expect(first.stopped).toBe(true);
    expect(account(registry, 'fake')).toMatchObject({ state: 'retrying', connected: false, reconnectAttempts: 2, lastError: 'socket closed' });
    expect(account(registry, 'fake').nextRetryAt! - scheduler.now).toBe(4_000);
    await scheduler.advance(4_000);
    expect(account(registry, 'fake').state).toBe('running');

    await scheduler.advance(60_000);
    fake.latest('default').context.fail(new Error('socket closed again'));
    await settle();
    expect(account(registry, 'fake')).toMatchObject({ reconnectAttempts: 1 });
    expect(account(registry, 'fake').nextRetryAt! - scheduler.now).toBe(2_000);
    // A discarded instance can no longer report, fail or deliver.
    first.context.reportStatus({ connected: true, mode: 'stale' });
    first.context.fail(new Error('late'));
    await first.receive();
    expect(account(registry, 'fake')).toMatchObject({ state: 'retrying', lastError: 'socket closed again', connected: false });
    expect(account(registry, 'fake').mode).toBe('polling');
  });

  it('counts a start that never settles as failed after startTimeoutMs', async () => {
    const { registry, scheduler } = setup({ startTimeoutMs: 10_000 });
    const fake = new FakeChannel();
    registry.add(fake.plugin, accounts({ default: { hangOnStart: true } }));
    const started = registry.startAll();
    await scheduler.advance(10_000);
    await started;
    expect(account(registry, 'fake')).toMatchObject({ state: 'retrying', lastError: 'start did not finish within 10000 ms' });
    expect(fake.latest('default').context.signal.aborted).toBe(true);
  });
});

describe('stopAll', () => {
  it('resolves once the stop timeout passes when a stop hangs, and stops the others', async () => {
    const { registry, scheduler } = setup({ stopTimeoutMs: 5_000 });
    const fake = new FakeChannel();
    registry.add(fake.plugin, accounts({ hangs: { hangOnStop: true }, ok: {} }));
    await registry.startAll();
    let done = false;
    const stopping = registry.stopAll().then(() => (done = true));
    await scheduler.advance(4_999);
    expect(done).toBe(false);
    expect(fake.latest('ok').stopped).toBe(true);
    expect(fake.latest('hangs').context.signal.aborted).toBe(true);
    await scheduler.advance(1);
    await stopping;
    expect(account(registry, 'fake', 'hangs')).toMatchObject({ state: 'stopped', running: false, connected: false, lastStopAt: scheduler.now });
  });

  it('cancels a pending retry', async () => {
    const { registry, scheduler } = setup();
    const fake = new FakeChannel();
    registry.add(fake.plugin, accounts({ default: { failStarts: 5 } }));
    await registry.startAll();
    await registry.stopAll();
    await scheduler.advance(600_000);
    expect(fake.count('start:default')).toBe(1);
    expect(account(registry, 'fake')).toMatchObject({ state: 'stopped', nextRetryAt: null });
  });

  it('stops an account whose start is still pending and ignores the start settling later', async () => {
    const { registry, scheduler } = setup({ stateDir: '/var/lib/openclaw' });
    const fake = new FakeChannel();
    registry.add(fake.plugin, accounts({ slow: { hangOnStart: true } }));
    void registry.startAll();
    await settle();
    const instance = fake.latest('slow');
    expect(instance.context.stateDir).toBe('/var/lib/openclaw/channels/fake/slow');
    await registry.stopAll();
    expect(instance.context.signal.aborted).toBe(true);
    expect(instance.stopped).toBe(true);
    await scheduler.advance(120_000);
    expect(account(registry, 'fake', 'slow')).toMatchObject({ state: 'stopped', running: false, connected: false, nextRetryAt: null });
    expect(fake.count('start:slow')).toBe(1);
  });

  it('with real timers, a hanging stop does not hang stopAll', async () => {
    const registry = new ChannelRegistry({ onInbound: async () => undefined, stopTimeoutMs: 20 });
    registry.add(new FakeChannel().plugin, accounts({ default: { hangOnStop: true } }));
    await registry.startAll();
    await expect(registry.stopAll()).resolves.toBeUndefined();
  });
});

describe('snapshot', () => {
  it('tracks inbound and outbound times, stamps messages, keeps plugin fields but not secrets', async () => {
    const { registry, scheduler, routed } = setup({ redactor: { redactString: (s) => s.replaceAll('123456:SECRETSECRET', '[redacted]') } });
    const fake = new FakeChannel({ label: 'Fake Chat' });
    registry.add(fake.plugin, accounts({ default: { failStarts: 1 } }));
    await registry.startAll();
    expect(account(registry, 'fake').lastError).toBe('start failure 1 (token [redacted])');
    await scheduler.advance(2_000);
    const connectedAt = scheduler.now;
    expect(account(registry, 'fake')).toMatchObject({ lastInboundAt: null, lastOutboundAt: null, lastStartAt: connectedAt, lastConnectedAt: connectedAt });

    await scheduler.advance(1_000);
    await fake.latest('default').context.onInbound({ chatType: 'group', chatId: 'g', senderId: 'u', text: 'hi', messageId: '1', mentioned: true, ...{ channel: 'spoofed' } });
    expect(routed).toEqual([{ chatType: 'group', chatId: 'g', senderId: 'u', text: 'hi', messageId: '1', mentioned: true, channel: 'fake', accountId: 'default' }]);
    expect(account(registry, 'fake').lastInboundAt).toBe(connectedAt + 1_000);

    await scheduler.advance(1_000);
    await registry.send({ channel: 'fake', target: 'g', message: { text: 'yo' } });
    expect(account(registry, 'fake').lastOutboundAt).toBe(connectedAt + 2_000);
    await expect(registry.sendTyping({ channel: 'fake', target: 'g' })).resolves.toBe(true);

    const snapshot = account(registry, 'fake');
    expect(snapshot.mode).toBe('polling');
    expect(snapshot).not.toHaveProperty('botToken');
    expect(snapshot.running).toBe(true);
    expect(JSON.stringify(registry.snapshot())).not.toContain('SECRETSECRET');
    expect(registry.snapshot()).toMatchObject({
      ts: scheduler.now,
      channelOrder: ['fake'],
      channelLabels: { fake: 'Fake Chat' },
      channelDefaultAccountId: { fake: 'default' },
      channels: { fake: { configured: true, running: true, connected: true, accounts: 1, connectedAccounts: 1 } },
    });
  });

  it('lists disabled and unconfigured accounts without starting them', async () => {
    const { registry } = setup();
    const fake = new FakeChannel();
    registry.add(fake.plugin, [
      { accountId: 'off', config: fakeAccount(), enabled: false },
      { accountId: 'empty', config: fakeAccount(), configured: false },
    ]);
    await registry.startAll();
    expect(fake.events).toEqual([]);
    expect(registry.snapshot().channelAccounts.fake).toMatchObject([
      { accountId: 'off', enabled: false, configured: true, state: 'disabled', running: false },
      { accountId: 'empty', enabled: true, configured: false, state: 'unconfigured', running: false },
    ]);
    expect(registry.snapshot().channelDefaultAccountId.fake).toBe('off');
  });
});

describe('addFromConfig', () => {
  it('validates the section with the plugin schema and resolves its accounts', async () => {
    const { registry } = setup();
    expect(registry.addFromConfig(new FakeChannel().plugin, { accounts: { main: {}, spare: { enabled: false } } })).toEqual({ ok: true, accounts: ['main', 'spare'], issues: [] });
    await registry.startAll();
    expect(registry.account('fake', 'main').snapshot.connected).toBe(true);
  });

  it('reports an invalid section with its config path and lists the channel as unconfigured', async () => {
    const { registry } = setup();
    const fake = new FakeChannel();
    const result = registry.addFromConfig(fake.plugin, { accounts: { main: { failStarts: 'many' } } });
    expect(result).toMatchObject({ ok: false, accounts: ['default'], issues: [{ path: 'channels.fake.accounts.main.failStarts' }] });
    await registry.startAll();
    expect(fake.events).toEqual([]);
    expect(account(registry, 'fake')).toMatchObject({ configured: false, state: 'unconfigured', lastError: expect.stringMatching(/^invalid config at channels\.fake\.accounts\.main\.failStarts: /) });
    expect(registry.addFromConfig(new FakeChannel({ id: 'other' }).plugin, { accounts: { 'a b': {} } })).toMatchObject({ ok: false, issues: [{ path: 'channels.other.accounts' }] });
  });
});
