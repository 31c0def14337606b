import Anthropic from '@anthropic-ai/sdk';
import { NoApiKeyError } from '@openclaw/state';
import { describe, expect, it } from 'vitest';
import { AgentError } from './errors.ts';
import { classifyFailure, describeFailure, fallbackDelayMs, sleep, toAgentError } from './fallback.ts';
import { parseModelRef } from './models.ts';

const apiError = (status: number, message: string) => Anthropic.APIError.generate(status, { type: 'error', error: { type: 'x', message } }, undefined, new Headers());

describe('classifyFailure', () => {
  it('moves on for rate limits, overload, 5xx, timeouts and connection failures', () => {
    for (const status of [408, 429, 500, 502, 503, 529]) expect(classifyFailure(apiError(status, 'busy'))).toBe('retryable');
    expect(classifyFailure(new Anthropic.APIConnectionError({ message: 'Connection error.' }))).toBe('retryable');
    expect(classifyFailure(new Error('socket hang up'))).toBe('retryable');
  });
  it('moves on for missing or refused keys, stops on bad requests and aborts', () => {
    expect(classifyFailure(apiError(401, 'invalid x-api-key'))).toBe('auth');
    expect(classifyFailure(new NoApiKeyError('openai', ['OPENAI_API_KEY'], []))).toBe('auth');
    expect(classifyFailure(apiError(400, 'bad'))).toBe('fatal');
    expect(classifyFailure(new Anthropic.APIUserAbortError())).toBe('abort');
    const aborted = AbortSignal.abort();
    expect(classifyFailure(apiError(500, 'x'), aborted)).toBe('abort');
  });
});

describe('toAgentError', () => {
  it('keeps the provider words, the status and the model, and says what to do', () => {
    const error = toAgentError(apiError(429, 'Number of request tokens has exceeded your per-minute rate limit'), parseModelRef('anthropic/x'));
    expect(error).toBeInstanceOf(AgentError);
    expect(error).toMatchObject({ code: 'PROVIDER_ERROR', status: 429, model: 'anthropic/x' });
    expect(error.message).toBe('anthropic/x: 429 Number of request tokens has exceeded your per-minute rate limit');
    expect(error.hint).toContain('fallbacks');
    expect(toAgentError(apiError(401, 'invalid x-api-key'), parseModelRef('openai/y')).hint).toBe('the provider refused the key: openclaw models auth login --provider openai');
  });
  it('keeps the exact no-key message', () => {
    const error = toAgentError(new NoApiKeyError('anthropic', ['ANTHROPIC_API_KEY'], []), parseModelRef('anthropic/x'));
    expect(error.code).toBe('NO_API_KEY');
    expect(error.message).toBe('No API key found for provider "anthropic"');
    expect(error.hint).toContain('openclaw models auth login --provider anthropic');
  });
  it('cuts long messages', () => {
    expect(describeFailure(new Error('x'.repeat(1000))).length).toBeLessThanOrEqual(301);
  });
});

describe('backoff', () => {
  it('doubles from 250 ms to a 4 s cap, with at most half jitter', () => {
    expect(fallbackDelayMs(1, () => 1)).toBe(250);
    expect(fallbackDelayMs(1, () => 0)).toBe(125);
    expect(fallbackDelayMs(3, () => 1)).toBe(1000);
    expect(fallbackDelayMs(20, () => 1)).toBe(4000);
  });
  it('sleep ends early on abort', async () => {
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
