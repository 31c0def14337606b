import type { ModelApi } from '../models.ts';
import { callAnthropic } from './anthropic.ts';
import { callOpenAI } from './openai.ts';
import type { ModelCaller } from './types.ts';

/** The caller of each wire protocol. */
export const MODEL_CALLERS: Readonly<Record<ModelApi, ModelCaller>> = Object.freeze({
  'anthropic-messages': callAnthropic,
  'openai-completions': callOpenAI,
});

export type { ChatMessage, ModelCaller, ModelRequest, ModelResponse, ModelUsage, StopReason } from './types.ts';
