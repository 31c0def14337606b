import { describe, expect, it } from 'vitest';
import { listAgents, listModels } from './models.ts';

describe('models.list', () => {
  it('lists the default model, fallbacks, agent models, configured models and provider catalogs once each', () => {
    const config = {
      agents: {
        defaults: {
          model: { primary: 'opus', fallbacks: ['openai/gpt-5', 'Local/llama3'] },
          models: { 'anthropic/claude-opus-4-5': { alias: 'opus' }, 'openai/gpt-5': {} },
        },
        list: [{ id: 'main' }, { id: 'fast', model: 'claude-haiku-4-5' }, { id: 'x', model: { primary: 'openai/gpt-5-mini' } }],
      },
      models: {
        providers: {
          local: { apiKey: 'sk-never-shown', models: [{ id: 'llama3', name: 'Llama 3', contextWindow: 8192 }, { id: 'qwen/qwen3' }, { name: 'no id' }] },
        },
      },
    };
    expect(listModels(config)).toEqual({
      models: [
        { id: 'anthropic/claude-opus-4-5', name: 'claude-opus-4-5', provider: 'anthropic', alias: 'opus' },
        { id: 'openai/gpt-5', name: 'gpt-5', provider: 'openai' },
        { id: 'local/llama3', name: 'Llama 3', provider: 'local', contextWindow: 8192 },
        { id: 'anthropic/claude-haiku-4-5', name: 'claude-haiku-4-5', provider: 'anthropic' },
        { id: 'openai/gpt-5-mini', name: 'gpt-5-mini', provider: 'openai' },
        { id: 'local/qwen/qwen3', name: 'qwen/qwen3', provider: 'local' },
      ],
    });
  });

  it('tolerates a config of the wrong shape (an invalid file is listed as written)', () => {
    expect(listModels({ agents: { defaults: { model: 7, models: [] } }, models: { providers: { p: { models: 'x' } } } })).toEqual({ models: [] });
    expect(listModels(undefined)).toEqual({ models: [] });
  });
});

describe('agents.list', () => {
  it('marks the `default: true` agent as default and normalises ids', () => {
    const config = { agents: { list: [{ id: 'main' }, { id: 'Work', default: true, name: 'Work bot', identity: { name: 'W', emoji: '🛠' } }, { id: 'x', identity: { name: 'Ex' } }] }, session: { mainKey: 'home' } };
    expect(listAgents(config)).toEqual({
      defaultId: 'work',
      mainKey: 'home',
      scope: 'per-sender',
      agents: [{ id: 'main' }, { id: 'work', name: 'Work bot', identity: { name: 'W', emoji: '🛠' } }, { id: 'x', name: 'Ex', identity: { name: 'Ex' } }],
    });
  });

  it('defaults to the first agent, and to "main" without any', () => {
    expect(listAgents({ agents: { list: [{ id: 'a' }, { id: 'b' }] } }).defaultId).toBe('a');
    expect(listAgents({})).toEqual({ defaultId: 'main', mainKey: 'main', scope: 'per-sender', agents: [{ id: 'main' }] });
  });
});
