import { ERROR_CODES, GatewayProtocolError } from '../protocol/index.ts';
import type { Gateway } from '../server/gateway.ts';
import type { MethodContext, MethodDefinition } from '../server/registry.ts';
import type {
  ChannelAccountHandle,
  ChannelAccountSnapshot,
  ChannelLoginRequest,
  ChannelLoginStartResult,
  ChannelLoginWaitResult,
  ChannelMethodContext,
  ChannelPlugin,
  ChannelSummary,
  ChannelsStatus,
} from './contract.ts';
import { ChannelError } from './errors.ts';
import * as v from '../validation/shape.ts';

/**
 * What the channel methods need from the registry. A structural type rather than the
 * registry class itself, so this module and registry.ts do not import each other.
 */
export interface ChannelMethodsHost {
  account(channel: string, accountId?: string): ChannelAccountHandle;
  snapshot(): ChannelsStatus;
  probe(options?: { timeoutMs?: number }): Promise<ChannelsStatus>;
  loginStart(request: ChannelLoginRequest): Promise<ChannelLoginStartResult>;
  loginWait(request: { channel: string; accountId?: string; timeoutMs?: number }): Promise<ChannelLoginWaitResult>;
  loginChannels(): string[];
}

/** Params of `channels.status`. */
export const ChannelsStatusParamsSchema = v.object({
  probe: v.optional(v.boolean()),
  timeoutMs: v.optional(v.int({ min: 1, max: 120_000 })),
});

const loginWaitFields = {
  channel: v.optional(v.string()),
  accountId: v.optional(v.string()),
  timeoutMs: v.optional(v.int({ min: 1, max: 600_000 })),
};
const LoginWaitParamsSchema = v.object(loginWaitFields);
const LoginStartParamsSchema = v.object({ ...loginWaitFields, force: v.optional(v.boolean()), verbose: v.optional(v.boolean()) });

const METHOD_NAME = /^[a-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** One channel as {@link buildChannelsStatus} needs it. */
export interface ChannelStatusInput {
  plugin: Pick<ChannelPlugin, 'id' | 'label'>;
  defaultAccountId: string | undefined;
  snapshots: ChannelAccountSnapshot[];
}

/** Assembles the `channels.status` payload (reference §1.7) from per-account snapshots. */
export function buildChannelsStatus(channels: readonly ChannelStatusInput[], ts: number): ChannelsStatus {
  const status: ChannelsStatus = { ts, channelOrder: [], channelLabels: {}, channels: {}, channelAccounts: {}, channelDefaultAccountId: {} };
  for (const { plugin, defaultAccountId, snapshots } of channels) {
    status.channelOrder.push(plugin.id);
    status.channelLabels[plugin.id] = plugin.label ?? plugin.id;
    status.channelAccounts[plugin.id] = snapshots;
    status.channelDefaultAccountId[plugin.id] = defaultAccountId ?? 'default';
    status.channels[plugin.id] = summarise(snapshots, defaultAccountId);
  }
  return status;
}

/**
 * One line per account, in the shape the `status` method's `channels` provider returns
 * (`{id, accountId, configured, running, connected, lastError}`).
 */
export function accountSummaries(status: Pick<ChannelsStatus, 'channelOrder' | 'channelAccounts'>): ChannelAccountSummary[] {
  return status.channelOrder.flatMap((id) =>
    (status.channelAccounts[id] ?? []).map((a) => ({ id, accountId: a.accountId, configured: a.configured, running: a.running, connected: a.connected, lastError: a.lastError })),
  );
}

/** One account in the gateway `status` summary. */
export interface ChannelAccountSummary {
  id: string;
  accountId: string;
  configured: boolean;
  running: boolean;
  connected: boolean;
  lastError: string | null;
}

function summarise(snapshots: readonly ChannelAccountSnapshot[], defaultAccountId: string | undefined): ChannelSummary {
  const connectedAccounts = snapshots.filter((s) => s.connected).length;
  return {
    configured: snapshots.some((s) => s.configured),
    running: snapshots.some((s) => s.running),
    connected: connectedAccounts > 0,
    accounts: snapshots.length,
    connectedAccounts,
    lastError: snapshots.find((s) => s.accountId === defaultAccountId)?.lastError ?? null,
  };
}

/**
 * The wire form of a {@link ChannelError}: unknown names are the client's mistake
 * (`INVALID_REQUEST`), everything else is `UNAVAILABLE` (retryable when the account is only
 * not connected yet). The error code and hint go in `details`. Other errors pass through.
 */
export function toChannelProtocolError(error: unknown): unknown {
  if (!(error instanceof ChannelError)) return error;
  const invalid = error.code === 'CHANNEL_UNKNOWN' || error.code === 'ACCOUNT_UNKNOWN' || error.code === 'LOGIN_UNSUPPORTED' || error.code === 'CHANNEL_INVALID';
  const details = Object.fromEntries(
    Object.entries({ code: error.code, hint: error.hint, channel: error.channel, accountId: error.accountId }).filter(([, v]) => v !== undefined),
  );
  return new GatewayProtocolError(invalid ? ERROR_CODES.INVALID_REQUEST : ERROR_CODES.UNAVAILABLE, error.message, {
    details,
    ...(error.code === 'CHANNEL_NOT_CONNECTED' ? { retryable: true } : {}),
    cause: error,
  });
}

async function translated<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toChannelProtocolError(error);
  }
}

/** Registers the channel methods on a gateway; see {@link ChannelRegistry.registerMethods}. */
export function registerChannelMethods(
  gateway: Pick<Gateway, 'registerMethod'>,
  registry: ChannelMethodsHost,
  plugins: readonly ChannelPlugin[],
  onPluginError?: (plugin: ChannelPlugin, error: unknown) => void,
): () => void {
  const removers: (() => void)[] = [];
  const register = <P>(name: string, definition: MethodDefinition<P, unknown>) => removers.push(gateway.registerMethod(name, definition));
  try {
    register('channels.status', {
      params: ChannelsStatusParamsSchema,
      handler: (params) => (params.probe ? registry.probe(params.timeoutMs === undefined ? {} : { timeoutMs: params.timeoutMs }) : registry.snapshot()),
    });
    const loginChannel = (channel: string | undefined) => channel ?? registry.loginChannels()[0] ?? '';
    if (registry.loginChannels().length > 0) {
      // The original's names: WhatsApp ("web") was its only login channel; `channel` picks another.
      register('web.login.start', {
        params: LoginStartParamsSchema,
        handler: ({ channel, accountId, ...options }) =>
          translated(() => registry.loginStart({ channel: loginChannel(channel), ...(accountId === undefined ? {} : { accountId }), ...definedOnly(options) })),
      });
      register('web.login.wait', {
        params: LoginWaitParamsSchema,
        handler: ({ channel, accountId, timeoutMs }) =>
          translated(() => registry.loginWait({ channel: loginChannel(channel), ...definedOnly({ accountId, timeoutMs }) })),
      });
    }
    for (const plugin of plugins) {
      const before = removers.length;
      try {
        for (const [name, definition] of Object.entries(plugin.methods ?? {})) {
          if (!METHOD_NAME.test(name)) throw new ChannelError('CHANNEL_INVALID', `channel "${plugin.id}" has an invalid method name ${JSON.stringify(name)}`, { channel: plugin.id });
          register(`${plugin.id}.${name}`, {
            ...(definition.params ? { params: definition.params } : {}),
            handler: (params: unknown, context: MethodContext) => definition.handler(params, channelMethodContext(context, plugin.id, registry)),
          });
        }
      } catch (error) {
        // With a handler, one plugin's bad or clashing method leaves out that plugin's
        // methods only; without one, nothing is registered (as before).
        if (!onPluginError) throw error;
        for (const remove of removers.splice(before)) remove();
        onPluginError(plugin, error);
      }
    }
  } catch (error) {
    for (const remove of removers) remove();
    throw error;
  }
  return () => {
    for (const remove of removers.splice(0)) remove();
  };
}

function channelMethodContext(context: MethodContext, channel: string, registry: ChannelMethodsHost): ChannelMethodContext {
  return {
    ...context,
    channel,
    account: (accountId) => {
      try {
        return registry.account(channel, accountId);
      } catch (error) {
        throw toChannelProtocolError(error);
      }
    },
  };
}

function definedOnly<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
