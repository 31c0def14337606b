import { AgentError } from '../errors.ts';
import type { ModelApi, ModelTarget } from '../models.ts';

/** One message of the conversation sent to a model. */
export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

/** Token usage reported by a provider. */
export interface ModelUsage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/** What a provider call needs. */
export interface ModelRequest {
  target: ModelTarget;
  /** Undefined only for keyless endpoints. */
  apiKey: string | undefined;
  system: string;
  messages: ChatMessage[];
  signal: AbortSignal;
  /** Called with each piece of text as it streams in. */
  onText(delta: string): void;
}

/** Why the model stopped, in pi-ai's words (what transcripts record). */
export type StopReason = 'stop' | 'length' | 'toolUse' | 'error' | 'aborted';

/** A finished model call. */
export interface ModelResponse {
  text: string;
  usage: ModelUsage;
  stopReason: StopReason;
  api: ModelApi;
}

/** Streams one model call; throws the SDK's errors (classified by the fallback runner). */
export type ModelCaller = (request: ModelRequest) => Promise<ModelResponse>;

export const emptyUsage = (): ModelUsage => ({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0 });

/** Throws ABORTED when `signal` has fired. */
export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new AgentError('ABORTED', 'the run was aborted');
}
