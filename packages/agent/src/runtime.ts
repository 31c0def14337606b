// The agent runtime: one run per session at a time, later messages queued in order; every
// turn appended to the session transcript through the state layer.
import { randomUUID } from 'node:crypto';
import type { Env, OpenClawConfig } from '@openclaw/config';
import type { GatewayLogger } from '@openclaw/gateway-core';
import type { SessionMeta, SessionStore, TranscriptMessage } from '@openclaw/state';
import { CredentialStore, normalizeAgentId, normalizeSessionKey, parseSessionKey, resolveApiKey } from '@openclaw/state';
import { AgentError } from './errors.ts';
import { classifyFailure, fallbackDelayMs, sleep, toAgentError } from './fallback.ts';
import { HISTORY_DEFAULTS, toChatMessages, withUserMessage } from './history.ts';
import type { ModelRef, ModelTarget } from './models.ts';
import { resolveModelChain, resolveModelTarget } from './models.ts';
import type { SystemPromptContext } from './prompt.ts';
import { workspaceSystemPrompt } from './prompt.ts';
import type { ProviderHealth } from './probe.ts';
import { probeProvider, providerHealth } from './probe.ts';
import { MODEL_CALLERS } from './providers/index.ts';
import type { ChatMessage, ModelCaller, ModelResponse, ModelUsage, StopReason } from './providers/index.ts';
import { SessionQueue } from './session-queue.ts';

/** Options of {@link AgentRuntime}. */
export interface AgentRuntimeOptions {
  stateDir: string;
  /** The current config (validated, with defaults); called at the start of every run. */
  config: () => OpenClawConfig;
  /** Where provider keys are looked up (`ANTHROPIC_API_KEY`, …). */
  env: Env;
  /** The session store of an agent. */
  sessions: (agentId: string) => SessionStore;
  /** Builds the system prompt of a run. Default: from the agent's workspace ({@link workspaceSystemPrompt}). */
  systemPrompt?: (context: SystemPromptContext) => string | Promise<string>;
  credentials?: CredentialStore;
  logger?: GatewayLogger;
  clock?: () => number;
  /** Model callers by wire protocol (tests of the runtime itself use the real ones against fakes). */
  callers?: Partial<Record<ModelTarget['endpoint']['api'], ModelCaller>>;
  /** Wait before fallback attempt `n`; default {@link fallbackDelayMs}. */
  fallbackDelayMs?: (attempt: number) => number;
  /** Queued runs per session beyond the running one (default 20). */
  maxQueuedPerSession?: number;
}

/** What happens during a run, in order: `start`, any `delta`s and `fallback`s, then the result. */
export type RunEvent =
  | { type: 'start'; runId: string; sessionKey: string; sessionId: string; model: string }
  | { type: 'delta'; runId: string; delta: string; text: string }
  | { type: 'fallback'; runId: string; from: string; error: string };

/** One run to do. */
export interface RunRequest {
  /** `agent:main:main`, `main`, `agent:main:telegram:dm:42`, … */
  sessionKey: string;
  message: string;
  /** Default: generated. Chat clients send their idempotency key. */
  runId?: string;
  /** Milliseconds; default `agents.defaults.timeoutSeconds`. */
  timeoutMs?: number;
  /** Metadata recorded on the session (channel, chatType, delivery context). */
  meta?: SessionMeta;
  extraSystemPrompt?: string;
  /** Ends the run as `aborted`. */
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
}

/** How a run ended. Never thrown: errors are in `error`. */
export interface RunResult {
  runId: string;
  sessionKey: string;
  sessionId: string | undefined;
  status: 'ok' | 'aborted' | 'error';
  /** The reply (partial for `aborted`; empty for `error`). */
  text: string;
  /** `provider/model` that answered. */
  model?: string;
  usage?: ModelUsage;
  stopReason?: StopReason;
  error?: AgentError;
  /** Set when the message was a session command (`/new`, `/reset`) rather than a prompt. */
  command?: 'reset';
  durationMs: number;
}

/** A run in the queue or in flight. */
export interface RunHandle {
  readonly runId: string;
  readonly sessionKey: string;
  readonly result: Promise<RunResult>;
  abort(): void;
}

const RESET_REPLY = 'New session started.';
/** pi-ai's cost block; prices are not known here, so every field is 0 (as the original writes for unknown models). */
const NO_COST = Object.freeze({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 });

/**
 * Runs agent turns. Runs of one session are strictly ordered; runs of different sessions
 * go in parallel. Provider SDKs are loaded on the first run, not before.
 */
export class AgentRuntime {
  readonly #o: AgentRuntimeOptions;
  readonly #queue: SessionQueue<RunResult>;
  readonly #credentials: CredentialStore;
  readonly #clock: () => number;
  readonly #runs = new Map<string, RunHandle>();

  constructor(options: AgentRuntimeOptions) {
    this.#o = options;
    this.#credentials = options.credentials ?? new CredentialStore({ stateDir: options.stateDir });
    this.#clock = options.clock ?? Date.now;
    this.#queue = new SessionQueue({ maxQueued: options.maxQueuedPerSession ?? 20 });
  }

  /** The canonical form of `key` (`main` → `agent:<default agent>:main`). */
  sessionKey(key: string): string {
    const config = this.#o.config();
    return normalizeSessionKey(key, { agentId: defaultAgentId(config), mainKey: config.session.mainKey });
  }

  /** Queues a run and returns at once. */
  run(request: RunRequest): RunHandle {
    const sessionKey = this.sessionKey(request.sessionKey);
    const runId = request.runId ?? randomUUID();
    const controller = new AbortController();
    const started = this.#clock();
    const signal = request.signal ? AbortSignal.any([request.signal, controller.signal]) : controller.signal;
    const aborted = (): RunResult => ({ runId, sessionKey, sessionId: undefined, status: 'aborted', text: '', durationMs: this.#clock() - started });
    let executing = false;
    const queued = this.#queue
      .enqueue(sessionKey, () => {
        if (signal.aborted) return aborted();
        executing = true;
        return this.#execute({ ...request, sessionKey }, runId, signal, started);
      })
      .catch((error: unknown) => ({ ...aborted(), status: 'error' as const, error: toAgentError(error, undefined) }));
    // A run aborted while it waits behind another ends now, not when its turn comes (its
    // queue slot stays, as a no-op, so the order of the others is kept).
    const abortedWhileQueued = new Promise<RunResult>((resolve) => {
      const onAbort = () => {
        if (!executing) resolve(aborted());
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
      void queued.finally(() => signal.removeEventListener('abort', onAbort));
    });
    const result = Promise.race([queued, abortedWhileQueued]).finally(() => this.#runs.delete(runId));
    const handle: RunHandle = { runId, sessionKey, result, abort: () => controller.abort() };
    this.#runs.set(runId, handle);
    return handle;
  }

  /** A run by id, while it is queued or in flight. */
  get(runId: string): RunHandle | undefined {
    return this.#runs.get(runId);
  }

  /** Runs of a session (canonical key), queued or in flight, oldest first. */
  runsOf(sessionKey: string): RunHandle[] {
    const key = this.sessionKey(sessionKey);
    return [...this.#runs.values()].filter((run) => run.sessionKey === key);
  }

  /** Aborts every run of a session (or only `runId`); returns the ids aborted. */
  abortSession(sessionKey: string, runId?: string): string[] {
    const runs = this.runsOf(sessionKey).filter((run) => runId === undefined || run.runId === runId);
    for (const run of runs) run.abort();
    return runs.map((run) => run.runId);
  }

  /**
   * The last `limit` messages of a session (pi-ai messages from the transcript, oldest
   * first); no messages when the session does not exist yet.
   */
  async history(sessionKey: string, limit: number): Promise<{ sessionKey: string; sessionId: string | undefined; messages: TranscriptMessage[] }> {
    const key = this.sessionKey(sessionKey);
    const store = this.#o.sessions(parseSessionKey(key)?.agentId ?? defaultAgentId(this.#o.config()));
    const entry = await store.get(key);
    if (!entry) return { sessionKey: key, sessionId: undefined, messages: [] };
    const entries = await store.readLast(key, limit);
    return { sessionKey: key, sessionId: entry.sessionId, messages: entries.flatMap((e) => (e.message ? [e.message] : [])) };
  }

  /**
   * Probes each provider of the default agent's model chain (key found? provider reachable
   * and taking it?), in parallel; for `health {probe: true}`.
   */
  async probeProviders(options: { timeoutMs?: number } = {}): Promise<ProviderHealth[]> {
    const config = this.#o.config();
    const byProvider = new Map<string, ModelRef[]>();
    for (const ref of resolveModelChain(config, { agentId: defaultAgentId(config) })) byProvider.set(ref.provider, [...(byProvider.get(ref.provider) ?? []), ref]);
    return Promise.all(
      [...byProvider].map(async ([provider, refs]): Promise<ProviderHealth> => {
        const models = refs.map((ref) => ref.ref);
        try {
          const target = resolveModelTarget(config, refs[0] as ModelRef);
          return providerHealth(provider, models, await probeProvider(target.endpoint, await this.#apiKey(config, target), options));
        } catch (caught) {
          const error = toAgentError(caught, refs[0]);
          return { provider, models, ok: false, error: error.message, ...(error.hint ? { hint: error.hint } : {}) };
        }
      }),
    );
  }

  /** Aborts everything (shutdown) and waits for the runs to settle. */
  async close(): Promise<void> {
    const runs = [...this.#runs.values()];
    for (const run of runs) run.abort();
    await Promise.all(runs.map((run) => run.result));
  }

  async #execute(request: RunRequest & { sessionKey: string }, runId: string, signal: AbortSignal, started: number): Promise<RunResult> {
    const config = this.#o.config();
    const { sessionKey } = request;
    const agentId = parseSessionKey(sessionKey)?.agentId ?? defaultAgentId(config);
    const store = this.#o.sessions(agentId);
    const done = (fields: Partial<RunResult> & Pick<RunResult, 'status' | 'sessionId'>): RunResult => ({ runId, sessionKey, text: '', durationMs: this.#clock() - started, ...fields });

    let message = request.message;
    const trigger = resetTrigger(message, config.session.resetTriggers);
    let session = await store.resolve(sessionKey, request.meta ?? {});
    if (trigger !== undefined) {
      if (!session.created) session = (await store.reset(sessionKey)).session;
      this.#o.logger?.info('session reset', { sessionKey, sessionId: session.entry.sessionId });
      message = trigger;
      if (message === '') return done({ status: 'ok', sessionId: session.entry.sessionId, text: RESET_REPLY, command: 'reset' });
    }
    const sessionId = session.entry.sessionId;
    const history = toChatMessages(await store.readLast(sessionKey, HISTORY_DEFAULTS.maxMessages));
    await store.append(sessionKey, { type: 'message', message: { role: 'user', content: message, timestamp: this.#clock() } });
    const messages = withUserMessage(history, message);

    const timeoutMs = request.timeoutMs ?? config.agents.defaults.timeoutSeconds * 1000;
    const timeout = AbortSignal.timeout(timeoutMs);
    const runSignal = AbortSignal.any([signal, timeout]);
    const promptContext: SystemPromptContext = { agentId, sessionKey, config, now: new Date(this.#clock()), meta: request.meta ?? {}, extraSystemPrompt: request.extraSystemPrompt };
    const system = this.#o.systemPrompt ? await this.#o.systemPrompt(promptContext) : await workspaceSystemPrompt(this.#o.stateDir, promptContext, this.#o.logger);

    let text = '';
    let answering: ModelTarget | undefined;
    const onText = (delta: string) => {
      text += delta;
      request.onEvent?.({ type: 'delta', runId, delta, text });
    };
    try {
      const chain = resolveModelChain(config, { agentId, ...(session.entry.modelOverride ? { override: String(session.entry.modelOverride) } : {}) });
      request.onEvent?.({ type: 'start', runId, sessionKey, sessionId, model: chain[0]?.ref ?? '' });
      const { target, response } = await this.#callWithFallbacks(config, chain, { runId, system, messages, signal: runSignal, onText, onAttempt: (t) => (answering = t), onEvent: request.onEvent });
      await this.#appendAssistant(store, sessionKey, target, response.text, response.usage, response.stopReason);
      return done({ status: 'ok', sessionId, text: response.text, model: target.ref, usage: response.usage, stopReason: response.stopReason });
    } catch (caught) {
      const wasAborted = signal.aborted;
      const timedOut = !wasAborted && timeout.aborted;
      const error = timedOut
        ? new AgentError('TIMEOUT', `the run took longer than ${Math.round(timeoutMs / 1000)} s`, { hint: 'raise agents.defaults.timeoutSeconds', model: answering?.ref })
        : toAgentError(caught, answering, signal);
      const status = wasAborted ? 'aborted' : 'error';
      if (text !== '' && answering) await this.#appendAssistant(store, sessionKey, answering, text, undefined, wasAborted ? 'aborted' : 'error');
      else await store.append(sessionKey, { type: 'custom', customType: 'openclaw.run-end', data: { runId, status, code: error.code, message: error.message } }, { endOfTurn: true });
      if (status === 'error') this.#o.logger?.warn('agent run failed', { sessionKey, runId, code: error.code, error: error.message, model: error.model });
      return done({ status, sessionId, text, ...(answering ? { model: answering.ref } : {}), ...(status === 'error' ? { error } : {}) });
    }
  }

  async #callWithFallbacks(
    config: OpenClawConfig,
    chain: ModelRef[],
    run: { runId: string; system: string; messages: ChatMessage[]; signal: AbortSignal; onText: (delta: string) => void; onAttempt: (target: ModelTarget) => void; onEvent: RunRequest['onEvent'] },
  ): Promise<{ target: ModelTarget; response: ModelResponse }> {
    const failures: AgentError[] = [];
    for (const [attempt, ref] of chain.entries()) {
      if (attempt > 0) await sleep((this.#o.fallbackDelayMs ?? fallbackDelayMs)(attempt), run.signal);
      let target: ModelTarget | undefined;
      let streamed = false;
      let apiKey: string | undefined;
      try {
        target = resolveModelTarget(config, ref);
        apiKey = await this.#apiKey(config, target);
        const caller = this.#o.callers?.[target.endpoint.api] ?? MODEL_CALLERS[target.endpoint.api];
        run.onAttempt(target);
        const response = await caller({
          target,
          apiKey,
          system: run.system,
          messages: run.messages,
          signal: run.signal,
          onText: (delta) => {
            streamed = true;
            run.onText(delta);
          },
        });
        return { target, response };
      } catch (caught) {
        const kind = classifyFailure(caught, run.signal);
        // Provider error text can quote the key it refused; it goes to logs and to chats.
        const error = withoutSecret(toAgentError(caught, target ?? ref, run.signal), apiKey);
        // Once text has reached the client, another model cannot take over the same reply.
        if (kind === 'abort' || kind === 'fatal' || streamed) throw error;
        failures.push(error);
        const next = chain[attempt + 1];
        if (next) {
          this.#o.logger?.warn('model failed, trying the next one', { runId: run.runId, model: ref.ref, next: next.ref, code: error.code, error: error.message });
          run.onEvent?.({ type: 'fallback', runId: run.runId, from: ref.ref, error: error.message });
        }
      }
    }
    // Every model failed: a missing key is the most useful thing to report, else the last failure.
    throw failures.find((f) => f.code === 'NO_API_KEY') ?? failures.at(-1) ?? new AgentError('MODEL_UNKNOWN', 'no model is configured', { hint: 'openclaw models set <provider/model>' });
  }

  async #apiKey(config: OpenClawConfig, target: ModelTarget): Promise<string | undefined> {
    try {
      return (await resolveApiKey(target.provider, { store: this.#credentials, env: this.#o.env, config })).key;
    } catch (error) {
      if (target.endpoint.keyless && (error as { code?: unknown }).code === 'NO_API_KEY') return undefined;
      throw error;
    }
  }

  async #appendAssistant(store: SessionStore, sessionKey: string, target: ModelTarget, text: string, usage: ModelUsage | undefined, stopReason: StopReason): Promise<void> {
    const message: TranscriptMessage = {
      role: 'assistant',
      content: [{ type: 'text', text }],
      api: target.endpoint.api,
      provider: target.provider,
      model: target.model,
      usage: usage
        ? { input: usage.input, output: usage.output, cacheRead: usage.cacheRead, cacheWrite: usage.cacheWrite, totalTokens: usage.input + usage.output + usage.cacheRead + usage.cacheWrite, cost: NO_COST }
        : { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, totalTokens: 0, cost: NO_COST },
      stopReason,
      timestamp: this.#clock(),
    };
    await store.append(sessionKey, { type: 'message', message }, { endOfTurn: true });
  }
}

/** `error` with every occurrence of `secret` in its message replaced. */
function withoutSecret(error: AgentError, secret: string | undefined): AgentError {
  if (!secret || secret.length < 8 || !error.message.includes(secret)) return error;
  return new AgentError(error.code, error.message.split(secret).join('[redacted]'), { hint: error.hint, status: error.status, model: error.model });
}

/** The default agent: the one marked `default`, else the first, else `main`. */
export function defaultAgentId(config: Pick<OpenClawConfig, 'agents'>): string {
  const list = config.agents.list ?? [];
  return normalizeAgentId((list.find((agent) => agent.default) ?? list[0])?.id);
}

/**
 * For a reset trigger (`/new`, `/reset`, optionally followed by a first message), the text
 * after it ('' when there is none); undefined for any other message.
 */
export function resetTrigger(message: string, triggers: readonly string[]): string | undefined {
  const text = message.trim();
  const lower = text.toLowerCase();
  for (const trigger of triggers) {
    const t = trigger.trim().toLowerCase();
    if (lower === t) return '';
    if (lower.startsWith(`${t} `) || lower.startsWith(`${t}\n`)) return text.slice(t.length).trim();
  }
  return undefined;
}


export type { SystemPromptContext } from './prompt.ts';
