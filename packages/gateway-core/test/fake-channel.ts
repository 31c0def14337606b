import { z } from 'zod';
import { ChannelAuthError, defineChannelMethod, defineChannelPlugin } from '../src/channels/index.ts';
import type { ChannelContext, ChannelInboundInput, ChannelInstance, ChannelPlugin, OutboundMessage, Scheduler, SendResult } from '../src/channels/index.ts';

/** One fake account's scripted behaviour: everything defaults to "works". */
export const FakeAccountSchema = z.object({
  /** The first N starts throw. */
  failStarts: z.number().int().min(0).default(0),
  /** Every start throws a ChannelAuthError. */
  authFailure: z.boolean().default(false),
  /** Start throws a ChannelAuthError until the login flow has linked the account. */
  needsLogin: z.boolean().default(false),
  /** start() never settles. */
  hangOnStart: z.boolean().default(false),
  /** send() throws. */
  sendFails: z.boolean().default(false),
  /** stop() never settles. */
  hangOnStop: z.boolean().default(false),
  probe: z.enum(['ok', 'fail', 'hang', 'none']).default('ok'),
  /** The instance's `textLimit` and `lineLimit` (unset: none stated). */
  textLimit: z.number().int().min(1).optional(),
  lineLimit: z.number().int().min(1).optional(),
  configured: z.boolean().default(true),
  enabled: z.boolean().default(true),
});

/** `channels.<id>` of the fake: accounts by id. */
export const FakeSectionSchema = z.object({ accounts: z.record(z.string(), FakeAccountSchema) });

export type FakeAccount = z.output<typeof FakeAccountSchema>;
export type FakeSection = z.output<typeof FakeSectionSchema>;

/** A parsed account config with the given overrides. */
export function fakeAccount(overrides: Partial<z.input<typeof FakeAccountSchema>> = {}): FakeAccount {
  return FakeAccountSchema.parse(overrides);
}

/** A running fake account: what the test can observe and trigger. */
export class FakeInstance implements ChannelInstance {
  readonly context: ChannelContext<FakeAccount>;
  readonly #channel: FakeChannel;
  stopped = false;

  constructor(channel: FakeChannel, context: ChannelContext<FakeAccount>) {
    this.#channel = channel;
    this.context = context;
  }

  get textLimit(): number | undefined {
    return this.context.config.textLimit;
  }

  get lineLimit(): number | undefined {
    return this.context.config.lineLimit;
  }

  async start(): Promise<void> {
    const { accountId, config } = this.context;
    const n = this.#channel.count(`start:${accountId}`);
    this.#channel.events.push(`start:${accountId}`);
    if (config.hangOnStart) return new Promise(() => undefined);
    if (config.authFailure) throw new ChannelAuthError('bot token revoked', { hint: 'set a new token' });
    if (config.needsLogin && !this.#channel.linked.has(accountId)) throw new ChannelAuthError('not linked', { hint: 'run openclaw channels login' });
    if (n < config.failStarts) throw new Error(`start failure ${n + 1} (token 123456:SECRETSECRET)`);
    this.context.reportStatus({ mode: 'polling', botToken: '123456:SECRETSECRET', running: false });
  }

  async stop(): Promise<void> {
    this.#channel.events.push(`stop:${this.context.accountId}`);
    if (this.context.config.hangOnStop) return new Promise(() => undefined);
    this.stopped = true;
  }

  async send(target: string, message: OutboundMessage): Promise<SendResult> {
    if (this.context.config.sendFails) throw new Error('remote said 500');
    this.#channel.sent.push({ accountId: this.context.accountId, target, message });
    return { messageIds: [`m${this.#channel.sent.length}`] };
  }

  async sendTyping(target: string): Promise<void> {
    this.#channel.events.push(`typing:${this.context.accountId}:${target}`);
  }

  async probe(options: { signal: AbortSignal }): Promise<{ ok: boolean; bot?: { username: string } }> {
    const mode = this.context.config.probe;
    if (mode === 'hang') return new Promise((_, reject) => options.signal.addEventListener('abort', () => reject(new Error('aborted'))));
    if (mode === 'fail') throw new Error('getMe failed');
    return { ok: true, bot: { username: `${this.context.accountId}_bot` } };
  }

  /** Simulates a received message. */
  receive(input: Partial<ChannelInboundInput> = {}): Promise<void> {
    return this.context.onInbound({ chatType: 'direct', chatId: 'chat-1', senderId: 'user-1', text: 'hello', messageId: `in-${Date.now()}`, ...input });
  }
}

/** A channel plugin whose accounts behave as their config scripts them. */
export class FakeChannel {
  readonly plugin: ChannelPlugin<FakeSection, FakeAccount>;
  readonly events: string[] = [];
  readonly sent: { accountId: string; target: string; message: OutboundMessage }[] = [];
  readonly instances: FakeInstance[] = [];
  readonly linked = new Set<string>();

  constructor(options: { id?: string; label?: string; login?: boolean; createThrows?: boolean } = {}) {
    const echo = defineChannelMethod({
      params: z.object({ text: z.string(), accountId: z.string().optional() }),
      handler: (params, context) => ({ channel: context.channel, accountId: context.account(params.accountId).accountId, text: params.text }),
    });
    this.plugin = defineChannelPlugin({
      id: options.id ?? 'fake',
      ...(options.label === undefined ? {} : { label: options.label }),
      configSchema: FakeSectionSchema,
      resolveAccounts: (section) =>
        Object.entries(section.accounts).map(([accountId, config]) => ({ accountId, config, configured: config.configured, enabled: config.enabled })),
      create: (context) => {
        this.events.push(`create:${context.accountId}`);
        if (options.createThrows) throw new Error('create exploded');
        const instance = new FakeInstance(this, context);
        this.instances.push(instance);
        return instance;
      },
      methods: { echo },
      ...(options.login
        ? {
            login: {
              start: async (context) => ({ message: 'scan the code', qr: `QR-${context.accountId}` }),
              wait: async (context) => {
                this.linked.add(context.accountId);
                return { connected: true, message: 'linked' };
              },
            },
          }
        : {}),
    });
  }

  /** How many times an event was recorded (`start:a`, `create:a`, `stop:a`). */
  count(event: string): number {
    return this.events.filter((e) => e === event).length;
  }

  /** The latest instance of an account. */
  latest(accountId: string): FakeInstance {
    const instance = this.instances.findLast((i) => i.context.accountId === accountId);
    if (!instance) throw new Error(`no instance of ${accountId}`);
    return instance;
  }
}

/**
 * Timers and a clock under the test's control. `advance` fires due timers in order and lets
 * the promise chains they start settle before the next one.
 */
export class ManualScheduler implements Scheduler {
  now = 1_700_000_000_000;
  readonly clock = (): number => this.now;
  #timers: { id: number; at: number; callback: () => void }[] = [];
  #ids = 0;

  setTimeout(callback: () => void, ms: number): unknown {
    const id = ++this.#ids;
    this.#timers.push({ id, at: this.now + ms, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers = this.#timers.filter((t) => t.id !== handle);
  }

  /** Delays (from now) of the pending timers, soonest first. */
  pending(): number[] {
    return this.#timers.map((t) => t.at - this.now).sort((a, b) => a - b);
  }

  async advance(ms: number): Promise<void> {
    const target = this.now + ms;
    await settle();
    for (;;) {
      const due = this.#timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.now = due.at;
      due.callback();
      await settle();
    }
    this.now = target;
  }
}

/** Lets every pending promise chain run (they wait on nothing but each other). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
}
