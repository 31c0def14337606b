import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.ts';
import { expandHome, profileEnvironment, resolveConfigPath, resolvePaths, resolveStateDir } from './paths.ts';

const home = '/home/ada';

describe('state dir and config path', () => {
  it('defaults to ~/.openclaw/openclaw.json', () => {
    expect(resolveStateDir({}, home)).toBe('/home/ada/.openclaw');
    expect(resolveConfigPath({}, home)).toBe('/home/ada/.openclaw/openclaw.json');
  });

  it('takes OPENCLAW_STATE_DIR and OPENCLAW_CONFIG_PATH, expanding ~', () => {
    expect(resolveStateDir({ OPENCLAW_STATE_DIR: '~/state' }, home)).toBe('/home/ada/state');
    expect(resolveConfigPath({ OPENCLAW_STATE_DIR: '/srv/oc' }, home)).toBe('/srv/oc/openclaw.json');
    expect(resolveConfigPath({ OPENCLAW_STATE_DIR: '/srv/oc', OPENCLAW_CONFIG_PATH: '~/cfg.json5' }, home)).toBe('/home/ada/cfg.json5');
  });

  it('ignores blank variables', () => {
    expect(resolveStateDir({ OPENCLAW_STATE_DIR: '  ' }, home)).toBe('/home/ada/.openclaw');
  });

  it('expands only a leading ~', () => {
    expect(expandHome('~', home)).toBe(home);
    expect(expandHome('/a/~/b', home)).toBe('/a/~/b');
    expect(expandHome('~other/x', home)).toBe('~other/x');
  });

  it('reports the profile, treating "default" as none', () => {
    expect(resolvePaths({ OPENCLAW_PROFILE: 'work' }, home).profile).toBe('work');
    expect(resolvePaths({ OPENCLAW_PROFILE: 'default' }, home).profile).toBeUndefined();
  });
});

describe('profiles', () => {
  it('--profile NAME moves state to ~/.openclaw-NAME', () => {
    expect(profileEnvironment({ profile: 'work' }, {}, home)).toEqual({
      OPENCLAW_PROFILE: 'work',
      OPENCLAW_STATE_DIR: '/home/ada/.openclaw-work',
      OPENCLAW_CONFIG_PATH: '/home/ada/.openclaw-work/openclaw.json',
    });
  });

  it('--dev is profile dev on port 19001', () => {
    expect(profileEnvironment({ dev: true }, {}, home)).toEqual({
      OPENCLAW_PROFILE: 'dev',
      OPENCLAW_STATE_DIR: '/home/ada/.openclaw-dev',
      OPENCLAW_CONFIG_PATH: '/home/ada/.openclaw-dev/openclaw.json',
      OPENCLAW_GATEWAY_PORT: '19001',
    });
  });

  it('never overrides variables that are already set', () => {
    const env = { OPENCLAW_STATE_DIR: '/srv/x', OPENCLAW_GATEWAY_PORT: '20000' };
    expect(profileEnvironment({ dev: true }, env, home)).toEqual({
      OPENCLAW_PROFILE: 'dev',
      OPENCLAW_CONFIG_PATH: '/srv/x/openclaw.json',
    });
  });

  it('no profile and "default" change nothing', () => {
    expect(profileEnvironment({}, {}, home)).toEqual({});
    expect(profileEnvironment({ profile: 'default' }, {}, home)).toEqual({});
  });

  it('rejects bad names and --dev with another profile, with a hint', () => {
    expect(() => profileEnvironment({ profile: '../etc' }, {}, home)).toThrow(/invalid profile name "..\/etc"/);
    const error = (() => {
      try {
        profileEnvironment({ profile: 'work', dev: true }, {}, home);
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.code).toBe('CONFIG_PROFILE');
    expect(error?.hint).toMatch(/--dev is the same as --profile dev/);
  });
});
