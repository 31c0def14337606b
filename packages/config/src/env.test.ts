import { describe, expect, it } from 'vitest';
import { configEnvVariables, layerEnvironment } from './env.ts';

const files = (map: Record<string, string>) => (path: string) => map[path];

function layered(process: Record<string, string>, cwdEnv: string | undefined, stateEnv: string | undefined, configEnv: unknown) {
  const map: Record<string, string> = {};
  if (cwdEnv !== undefined) map['/work/.env'] = cwdEnv;
  if (stateEnv !== undefined) map['/state/.env'] = stateEnv;
  return layerEnvironment({ processEnv: process, cwd: '/work', stateDir: '/state', configEnv, configPath: '/state/openclaw.json', readFile: files(map) });
}

describe('environment layers', () => {
  it('process env beats ./.env', () => {
    const env = layered({ K: 'process' }, 'K=cwd', undefined, undefined);
    expect(env.values.K).toBe('process');
    expect(env.sources.get('K')).toEqual({ layer: 'process' });
  });

  it('./.env beats <stateDir>/.env', () => {
    const env = layered({}, 'K=cwd', 'K=state', undefined);
    expect(env.values.K).toBe('cwd');
    expect(env.sources.get('K')).toEqual({ layer: 'cwd-dotenv', file: '/work/.env' });
  });

  it('<stateDir>/.env beats the config env block', () => {
    const env = layered({}, undefined, 'K=state', { K: 'config' });
    expect(env.values.K).toBe('state');
    expect(env.sources.get('K')).toEqual({ layer: 'state-dotenv', file: '/state/.env' });
  });

  it('process env beats <stateDir>/.env and the config block', () => {
    const env = layered({ K: 'process', L: 'process' }, undefined, 'K=state', { L: 'config' });
    expect(env.values).toMatchObject({ K: 'process', L: 'process' });
  });

  it('./.env beats the config block', () => {
    expect(layered({}, 'K=cwd', undefined, { vars: { K: 'config' } }).values.K).toBe('cwd');
  });

  it('the config block fills what nothing else set, from env.vars and env.NAME', () => {
    const env = layered({}, undefined, undefined, { vars: { A: 'a' }, B: 'b', shellEnv: { enabled: true }, C: 3 });
    expect(env.values).toEqual({ A: 'a', B: 'b' });
    expect(env.sources.get('B')).toEqual({ layer: 'config-env', file: '/state/openclaw.json' });
  });

  it('an empty process variable still counts as set (dotenv never overrides)', () => {
    expect(layered({ K: '' }, 'K=cwd', undefined, undefined).values.K).toBe('');
  });

  it('parses dotenv syntax: quotes, comments, export-less lines', () => {
    const env = layered({}, undefined, '# comment\nA="two words"\nB=\'x=y\'\nC=plain # trailing\n', undefined);
    expect(env.values).toEqual({ A: 'two words', B: 'x=y', C: 'plain' });
  });

  it('skips the cwd layer when no cwd is given', () => {
    const env = layerEnvironment({ processEnv: {}, stateDir: '/state', readFile: files({ '/work/.env': 'K=cwd' }) });
    expect(env.values.K).toBeUndefined();
  });

  it('takes only valid names with string values from the env block', () => {
    expect(configEnvVariables({ 'BAD-NAME': 'x', GOOD: 'y', vars: { ALSO: 'z', N: 1 } })).toEqual({ GOOD: 'y', ALSO: 'z' });
    expect(configEnvVariables(undefined)).toEqual({});
  });
});
