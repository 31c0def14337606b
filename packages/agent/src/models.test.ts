import { OpenClawConfigSchema } from '@openclaw/config';
import { describe, expect, it } from 'vitest';
import { AgentError } from './errors.ts';
import { parseModelRef, resolveModelChain, resolveModelTarget } from './models.ts';

const config = (input: unknown = {}) => OpenClawConfigSchema.parse(input);

describe('parseModelRef', () => {
  it('splits provider/model and lower-cases the provider only', () => {
    expect(parseModelRef('OpenAI/GPT-5.1-Mini')).toEqual({ provider: 'openai', model: 'GPT-5.1-Mini', ref: 'openai/GPT-5.1-Mini' });
  });
  it('keeps slashes after the first in the model id (OpenRouter ids)', () => {
    expect(parseModelRef('openrouter/meta-llama/llama-4')).toMatchObject({ provider: 'openrouter', model: 'meta-llama/llama-4' });
  });
  it('reads a bare id as an Anthropic model, and resolves aliases', () => {
    expect(parseModelRef('claude-sonnet-4-5').ref).toBe('anthropic/claude-sonnet-4-5');
    const c = config({ agents: { defaults: { models: { 'openai/gpt-5.1': { alias: 'Fast' } } } } });
    expect(parseModelRef('fast', c).ref).toBe('openai/gpt-5.1');
  });
  it('refuses empty parts with the fix', () => {
    for (const bad of ['', '  ', '/x', 'x/']) {
      const error = (() => {
        try {
          parseModelRef(bad);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(AgentError);
      expect((error as AgentError).code).toBe('MODEL_UNKNOWN');
      expect((error as AgentError).hint).toContain('provider/model');
    }
  });
});

describe('resolveModelChain', () => {
  it('is the default primary then its fallbacks, each once', () => {
    const c = config({ agents: { defaults: { model: { primary: 'anthropic/a', fallbacks: ['openai/b', 'anthropic/a', 'openai/b'] } } } });
    expect(resolveModelChain(c).map((m) => m.ref)).toEqual(['anthropic/a', 'openai/b']);
  });
  it('uses the agent model: a string keeps the default fallbacks, an object brings its own', () => {
    const c = config({
      agents: { defaults: { model: { primary: 'anthropic/a', fallbacks: ['openai/b'] } }, list: [{ id: 'str', model: 'openai/c' }, { id: 'obj', model: { primary: 'openai/d', fallbacks: [] } }] },
    });
    expect(resolveModelChain(c, { agentId: 'str' }).map((m) => m.ref)).toEqual(['openai/c', 'openai/b']);
    expect(resolveModelChain(c, { agentId: 'obj' }).map((m) => m.ref)).toEqual(['openai/d']);
    expect(resolveModelChain(c, { agentId: 'obj', override: 'openai/e' }).map((m) => m.ref)).toEqual(['openai/e']);
  });
});

describe('resolveModelTarget', () => {
  it('knows the built-in providers', () => {
    const t = resolveModelTarget(config(), parseModelRef('anthropic/claude'));
    expect(t.endpoint).toMatchObject({ api: 'anthropic-messages', baseUrl: undefined, keyless: false });
    expect(resolveModelTarget(config(), parseModelRef('ollama/llama3')).endpoint).toMatchObject({ api: 'openai-completions', keyless: true });
  });
  it('takes baseUrl, api, headers and maxTokens from models.providers, and params from agents.defaults.models', () => {
    const c = config({
      models: { providers: { local: { baseUrl: 'http://127.0.0.1:8000/v1', api: 'openai-completions', headers: { 'X-A': '1' }, models: [{ id: 'qwen', maxTokens: 512 }] } } },
      agents: { defaults: { models: { 'local/qwen': { params: { temperature: 0.1 } } } } },
    });
    const t = resolveModelTarget(c, parseModelRef('local/qwen'));
    expect(t.endpoint).toEqual({ id: 'local', api: 'openai-completions', baseUrl: 'http://127.0.0.1:8000/v1', headers: { 'X-A': '1' }, keyless: true });
    expect(t.maxTokens).toBe(512);
    expect(t.params).toEqual({ temperature: 0.1 });
  });
  it('names the config key for an unknown provider, and mode replace hides the built-ins', () => {
    expect(() => resolveModelTarget(config(), parseModelRef('nowhere/x'))).toThrow(/unknown model provider "nowhere"/);
    expect(() => resolveModelTarget(config({ models: { mode: 'replace', providers: {} } }), parseModelRef('openai/x'))).toThrow(AgentError);
  });
});
