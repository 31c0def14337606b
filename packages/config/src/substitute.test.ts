import { describe, expect, it } from 'vitest';
import { substituteEnv } from './substitute.ts';

describe('${VAR} substitution', () => {
  it('replaces upper-case references in every string, nested and in arrays', () => {
    const result = substituteEnv(
      { gateway: { auth: { token: '${OC_TOKEN}' } }, list: ['a-${ID}-b', 3], url: 'http://${HOST}:${PORT}/' },
      { OC_TOKEN: 't0k', ID: '7', HOST: 'h', PORT: '1' },
    );
    expect(result.value).toEqual({ gateway: { auth: { token: 't0k' } }, list: ['a-7-b', 3], url: 'http://h:1/' });
    expect(result.errors).toEqual([]);
    expect(result.references).toEqual([
      { path: ['gateway', 'auth', 'token'], variables: ['OC_TOKEN'] },
      { path: ['list', 0], variables: ['ID'] },
      { path: ['url'], variables: ['HOST', 'PORT'] },
    ]);
  });

  it('leaves lower-case names alone and turns $${X} into a literal ${X}', () => {
    const result = substituteEnv({ a: '${lower}', b: '$${KEEP}', c: '$$${KEEP}' }, { KEEP: 'no', lower: 'no' });
    expect(result.value).toEqual({ a: '${lower}', b: '${KEEP}', c: '$${KEEP}' });
  });

  it('names the config path of every missing or empty variable', () => {
    const result = substituteEnv({ channels: { telegram: { botToken: '${TG_TOKEN}' } }, agents: { list: [{ id: '${EMPTY}' }] } }, { EMPTY: '' });
    expect(result.errors.map((e) => e.message)).toEqual([
      'Missing env var "TG_TOKEN" referenced at config path: channels.telegram.botToken',
      'Missing env var "EMPTY" referenced at config path: agents.list[0].id',
    ]);
    expect(result.errors[0]?.code).toBe('CONFIG_MISSING_ENV');
    expect(result.errors[0]?.hint).toMatch(/set TG_TOKEN in the environment/);
  });
});
