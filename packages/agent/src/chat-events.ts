// The `chat` and `agent` events of one run (reference §1.6): chat deltas carry the text so
// far and go out at most once per interval; the final event carries the whole reply.
import type { RunEvent, RunResult } from './runtime.ts';

/** Sends an event to every client allowed to see it (`Gateway.broadcast`). */
export type Broadcast = (event: string, payload: unknown, options?: { dropIfSlow?: boolean }) => void;

/** The pi-ai assistant message chat events carry. */
function assistantMessage(text: string, timestamp: number): { role: 'assistant'; content: { type: 'text'; text: string }[]; timestamp: number } {
  return { role: 'assistant', content: [{ type: 'text', text }], timestamp };
}

/**
 * Emits the events of one run. Deltas are coalesced: one `chat` delta per `intervalMs` at
 * most, each with the text so far; `end` cancels a pending delta, as the final event
 * carries the whole text.
 */
export class RunEventStream {
  readonly #broadcast: Broadcast;
  readonly #runId: string;
  readonly #sessionKey: string;
  readonly #intervalMs: number;
  readonly #clock: () => number;
  #chatSeq = 0;
  #agentSeq = 0;
  #text = '';
  #sentText = '';
  #lastDeltaAt = -Infinity;
  #timer: NodeJS.Timeout | undefined;
  #ended = false;

  constructor(options: { broadcast: Broadcast; runId: string; sessionKey: string; intervalMs: number; clock: () => number }) {
    this.#broadcast = options.broadcast;
    this.#runId = options.runId;
    this.#sessionKey = options.sessionKey;
    this.#intervalMs = options.intervalMs;
    this.#clock = options.clock;
  }

  /** Feeds a runtime event. */
  on(event: RunEvent): void {
    if (this.#ended) return;
    if (event.type === 'start') this.#agent('lifecycle', { phase: 'start', model: event.model, sessionId: event.sessionId });
    else if (event.type === 'fallback') this.#agent('lifecycle', { phase: 'fallback', from: event.from, error: event.error });
    else {
      this.#text = event.text;
      const wait = this.#lastDeltaAt + this.#intervalMs - this.#clock();
      if (wait <= 0) this.#flush();
      else this.#timer ??= setTimeout(() => this.#flush(), wait);
    }
  }

  /** The run is over: the final, aborted or error event. */
  end(result: RunResult): void {
    if (this.#ended) return;
    clearTimeout(this.#timer);
    this.#ended = true;
    const now = this.#clock();
    const base = { runId: this.#runId, sessionKey: this.#sessionKey, seq: ++this.#chatSeq };
    if (result.status === 'ok') {
      this.#agent('assistant', { text: result.text });
      this.#broadcast('chat', { ...base, state: 'final', message: assistantMessage(result.text, now), ...(result.usage ? { usage: result.usage } : {}), ...(result.stopReason ? { stopReason: result.stopReason } : {}) });
      this.#agent('lifecycle', { phase: 'end', ...(result.model ? { model: result.model } : {}), durationMs: result.durationMs });
    } else if (result.status === 'aborted') {
      this.#broadcast('chat', { ...base, state: 'aborted', ...(result.text ? { message: assistantMessage(result.text, now) } : {}), stopReason: 'aborted' });
      this.#agent('lifecycle', { phase: 'end', aborted: true, durationMs: result.durationMs });
    } else {
      const message = result.error?.message ?? 'the run failed';
      this.#broadcast('chat', { ...base, state: 'error', errorMessage: message, ...(result.error?.hint ? { errorHint: result.error.hint } : {}) });
      this.#agent('lifecycle', { phase: 'error', error: message, ...(result.error ? { code: result.error.code } : {}) });
    }
  }

  #flush(): void {
    this.#timer = undefined;
    if (this.#ended || this.#text === this.#sentText) return;
    const delta = this.#text.slice(this.#sentText.length);
    this.#sentText = this.#text;
    this.#lastDeltaAt = this.#clock();
    this.#agent('assistant', { text: this.#text, delta });
    // Like the original: a slow client may miss deltas (each carries the text so far, and the
    // final event the whole reply) rather than be disconnected for them.
    this.#broadcast('chat', { runId: this.#runId, sessionKey: this.#sessionKey, seq: ++this.#chatSeq, state: 'delta', message: assistantMessage(this.#text, this.#lastDeltaAt) }, { dropIfSlow: true });
  }

  #agent(stream: string, data: Record<string, unknown>): void {
    this.#broadcast('agent', { runId: this.#runId, seq: ++this.#agentSeq, stream, ts: this.#clock(), sessionKey: this.#sessionKey, data });
  }
}
