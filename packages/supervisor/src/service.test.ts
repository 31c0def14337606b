import { describe, expect, it } from 'vitest';
import { detectVersionManagerNode } from './node-path.ts';
import { heapSizeMb, unitFileName, unitPath } from './service.ts';

describe('heapSizeMb', () => {
  it('takes a quarter of RAM, clamped to 256..2048 MiB in 64 MiB steps', () => {
    expect(heapSizeMb(512)).toBe(256);
    expect(heapSizeMb(1024)).toBe(256);
    expect(heapSizeMb(1987)).toBe(448); // a "2 GB" VPS reports a little less
    expect(heapSizeMb(2048)).toBe(512);
    expect(heapSizeMb(4096)).toBe(1024);
    expect(heapSizeMb(8192)).toBe(2048);
    expect(heapSizeMb(131_072)).toBe(2048);
  });

  it('falls back to 512 MiB when the host memory is unknown', () => {
    expect(heapSizeMb()).toBe(512);
    expect(heapSizeMb(Number.NaN)).toBe(512);
    expect(heapSizeMb(0)).toBe(512);
  });
});

describe('unit names', () => {
  it('adds the profile, except for none or "default"', () => {
    expect(unitFileName()).toBe('openclaw-gateway.service');
    expect(unitFileName('default')).toBe('openclaw-gateway.service');
    expect(unitFileName('work')).toBe('openclaw-gateway-work.service');
    expect(unitPath('/home/u', 'dev')).toBe('/home/u/.config/systemd/user/openclaw-gateway-dev.service');
    expect(() => unitFileName('a/b')).toThrow(expect.objectContaining({ code: 'SUPERVISOR_INVALID_INPUT' }));
  });
});

describe('detectVersionManagerNode', () => {
  it.each([
    ['/home/u/.nvm/versions/node/v24.1.0/bin/node', 'nvm'],
    ['/run/user/1000/fnm_multishells/12345_1700000000000/bin/node', 'fnm'],
    ['/home/u/.local/share/fnm/node-versions/v22.12.0/installation/bin/node', 'fnm'],
    ['/home/u/.volta/tools/image/node/22.12.0/bin/node', 'volta'],
    ['/home/u/.asdf/installs/nodejs/22.12.0/bin/node', 'asdf'],
    ['/home/u/.local/share/mise/installs/node/22/bin/node', 'mise'],
    ['/home/u/.nodenv/versions/22.12.0/bin/node', 'nodenv'],
    ['/home/u/.local/share/pnpm/nodejs/22.12.0/bin/node', 'pnpm'],
  ])('flags %s as %s with a stable suggestion', (path, manager) => {
    const found = detectVersionManagerNode(path);
    expect(found?.manager).toBe(manager);
    expect(found?.suggestion).toContain('openclaw gateway install --force');
    expect(found?.stableCandidates).toContain('/usr/bin/node');
  });

  it('explains why an fnm multishell path is worse than a versioned one', () => {
    expect(detectVersionManagerNode('/run/user/1000/fnm_multishells/1_2/bin/node')?.reason).toContain('deletes when the shell exits');
  });

  it('leaves system node alone', () => {
    for (const path of ['/usr/bin/node', '/usr/local/bin/node', '/opt/homebrew/bin/node', '/opt/node-v22/bin/node']) {
      expect(detectVersionManagerNode(path)).toBeUndefined();
    }
  });
});
