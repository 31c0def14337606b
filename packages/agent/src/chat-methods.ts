// Gateway methods of the agent (reference §1.7): chat.send / chat.history / chat.abort for
// chat clients (the Control UI, `openclaw chat`), agent / agent.wait for one-shot turns.
import { randomUUID } from 'node:crypto';
import type { Gateway, MethodContext } from '@openclaw/gateway-core';
import { ERROR_CODES, GatewayProtocolError } from '@openclaw/gateway-core';
import type { Broadcast } from './chat-events.ts';
import { RunEventStream } from './chat-events.ts';
import type { AgentRuntime, RunHandle, RunResult } from './runtime.ts';

/** Options of {@link registerChatMethods}. */
export interface ChatMethodsOptions {
  /** Minimum time between two `chat` deltas of a run (default 150 ms, as the original). */
  deltaIntervalMs?: number;
  clock?: () => number;
}

/** Defaults of {@link ChatMethodsOptions}. */
export const CHAT_METHODS_DEFAULTS = Object.freeze({ deltaIntervalMs: 150, recentRuns: 500, historyLimit: 200, maxHistoryLimit: 1000, maxHistoryBytes: 6 * 1024 * 1024 });

type Params = Record<string, unknown>;

function invalid(message: string): GatewayProtocolError {
  return new GatewayProtocolError(ERROR_CODES.INVALID_REQUEST, message);
}

function object(params: unknown, method: string): Params {
  if (params === undefined || params === null) return {};
  if (typeof params !== 'object' || Array.isArray(params)) throw invalid(`invalid params for ${method}: expected an object`);
  return params as Params;
}

function text(p: Params, field: string, method: string, required: true): string;
function text(p: Params, field: string, method: string, required?: false): string | undefined;
function text(p: Params, field: string, method: string, required = false): string | undefined {
  const value = p[field];
  if (value === undefined || value === null) {
    if (required) throw invalid(`invalid params for ${method} at ${field}: required`);
    return undefined;
  }
  if (typeof value !== 'string') throw invalid(`invalid params for ${method} at ${field}: expected a string`);
  if (required && value.trim() === '') throw invalid(`invalid params for ${method} at ${field}: must not be empty`);
  return value;
}

function positive(p: Params, field: string, method: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const value = p[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > max) throw invalid(`invalid params for ${method} at ${field}: expected a number from 1 to ${max}`);
  return value;
}

/** The response of a finished run, shared by `agent` and `agent.wait`. */
function runSummary(result: RunResult): Record<string, unknown> {
  return {
    runId: result.runId,
    status: result.status,
    sessionKey: result.sessionKey,
    ...(result.sessionId ? { sessionId: result.sessionId } : {}),
    result: {
      payloads: result.text ? [{ text: result.text }] : [],
      meta: { durationMs: result.durationMs, ...(result.model ? { model: result.model } : {}), ...(result.usage ? { usage: result.usage } : {}), ...(result.stopReason ? { stopReason: result.stopReason } : {}) },
    },
  };
}

function runError(result: RunResult): GatewayProtocolError {
  const error = result.error;
  return new GatewayProtocolError(error?.code === 'TIMEOUT' ? ERROR_CODES.AGENT_TIMEOUT : ERROR_CODES.UNAVAILABLE, error?.message ?? 'the run failed', {
    details: { runId: result.runId, code: error?.code, ...(error?.hint ? { hint: error.hint } : {}) },
  });
}

/**
 * Registers `chat.send`, `chat.history`, `chat.abort`, `agent` and `agent.wait` on a
 * gateway; their runs broadcast `chat` and `agent` events. Returns the removal.
 */
export function registerChatMethods(gateway: Pick<Gateway, 'registerMethod' | 'broadcast'>, runtime: AgentRuntime, options: ChatMethodsOptions = {}): () => void {
  const intervalMs = options.deltaIntervalMs ?? CHAT_METHODS_DEFAULTS.deltaIntervalMs;
  const clock = options.clock ?? Date.now;
  const broadcast: Broadcast = (event, payload, opts) => gateway.broadcast(event, payload, opts);
  // Finished runs by id, so a retried chat.send (same idempotency key) is not run twice.
  const recent = new Map<string, RunResult>();
  const remember = (result: RunResult) => {
    recent.set(result.runId, result);
    while (recent.size > CHAT_METHODS_DEFAULTS.recentRuns) recent.delete(recent.keys().next().value as string);
  };

  const start = (request: { sessionKey: string; message: string; runId: string; timeoutMs?: number | undefined; extraSystemPrompt?: string | undefined }): RunHandle => {
    const sessionKey = runtime.sessionKey(request.sessionKey);
    const events = new RunEventStream({ broadcast, runId: request.runId, sessionKey, intervalMs, clock });
    const handle = runtime.run({
      sessionKey,
      message: request.message,
      runId: request.runId,
      ...(request.timeoutMs === undefined ? {} : { timeoutMs: request.timeoutMs }),
      ...(request.extraSystemPrompt === undefined ? {} : { extraSystemPrompt: request.extraSystemPrompt }),
      onEvent: (event) => events.on(event),
    });
    void handle.result.then((result) => {
      events.end(result);
      remember(result);
    });
    return handle;
  };

  const methods: [string, (raw: unknown, context: MethodContext) => unknown][] = [
    ['chat.send', (raw: unknown) => {
      const p = object(raw, 'chat.send');
      const sessionKey = text(p, 'sessionKey', 'chat.send', true);
      const message = text(p, 'message', 'chat.send', true);
      const timeoutMs = positive(p, 'timeoutMs', 'chat.send');
      const runId = text(p, 'idempotencyKey', 'chat.send') || randomUUID();
      if (message.trim().toLowerCase() === '/stop') {
        const runIds = runtime.abortSession(sessionKey);
        return { ok: true, aborted: runIds.length > 0, runIds };
      }
      if (runtime.get(runId)) return { runId, status: 'in_flight' };
      const done = recent.get(runId);
      if (done) return { runId, status: done.status, cached: true };
      start({ sessionKey, message, runId, timeoutMs });
      return { runId, status: 'started' };
    }],
    ['chat.history', async (raw: unknown) => {
      const p = object(raw, 'chat.history');
      const sessionKey = text(p, 'sessionKey', 'chat.history', true);
      const limit = Math.floor(positive(p, 'limit', 'chat.history', CHAT_METHODS_DEFAULTS.maxHistoryLimit) ?? CHAT_METHODS_DEFAULTS.historyLimit);
      const history = await runtime.history(sessionKey, limit);
      // Cap the payload: drop the oldest messages until it fits.
      let size = history.messages.reduce((sum, m) => sum + JSON.stringify(m).length, 0);
      while (size > CHAT_METHODS_DEFAULTS.maxHistoryBytes && history.messages.length > 0) size -= JSON.stringify(history.messages.shift()).length;
      return { ...history, thinkingLevel: 'off', verboseLevel: 'off' };
    }],
    ['chat.abort', (raw: unknown) => {
      const p = object(raw, 'chat.abort');
      const sessionKey = text(p, 'sessionKey', 'chat.abort', true);
      const runIds = runtime.abortSession(sessionKey, text(p, 'runId', 'chat.abort'));
      return { ok: true, aborted: runIds.length > 0, runIds };
    }],
    ['agent', async (raw: unknown, context: MethodContext) => {
      const p = object(raw, 'agent');
      const message = text(p, 'message', 'agent', true);
      const agentId = text(p, 'agentId', 'agent');
      const sessionKey = text(p, 'sessionKey', 'agent') ?? (agentId ? `agent:${agentId}:main` : 'main');
      const timeoutSeconds = positive(p, 'timeout', 'agent');
      const runId = text(p, 'idempotencyKey', 'agent') || randomUUID();
      const done = recent.get(runId);
      if (done) {
        if (done.status === 'error') throw runError(done);
        return runSummary(done);
      }
      const existing = runtime.get(runId);
      const handle = existing ?? start({ sessionKey, message, runId, timeoutMs: timeoutSeconds === undefined ? undefined : timeoutSeconds * 1000, extraSystemPrompt: text(p, 'extraSystemPrompt', 'agent') });
      context.sendInterim({ runId, status: 'accepted', acceptedAt: clock() });
      const result = await handle.result;
      if (result.status === 'error') throw runError(result);
      return runSummary(result);
    }],
    ['agent.wait', async (raw: unknown) => {
      const p = object(raw, 'agent.wait');
      const runId = text(p, 'runId', 'agent.wait', true);
      const timeoutMs = positive(p, 'timeoutMs', 'agent.wait') ?? 30_000;
      const done = recent.get(runId);
      if (done) return runSummary(done);
      const handle = runtime.get(runId);
      if (!handle) throw invalid(`unknown run ${runId}`);
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)));
      const result = await Promise.race([handle.result, timedOut]);
      clearTimeout(timer);
      return result ? runSummary(result) : { runId, status: 'timeout' };
    }],
  ];
  // All or nothing: a name already taken leaves no half-registered chat.
  const removers: (() => void)[] = [];
  const removeAll = () => {
    for (const remove of removers.splice(0).reverse()) remove();
  };
  try {
    for (const [name, handler] of methods) removers.push(gateway.registerMethod(name, handler));
  } catch (error) {
    removeAll();
    throw error;
  }
  return removeAll;
}
