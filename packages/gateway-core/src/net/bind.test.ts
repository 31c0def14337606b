import { describe, expect, it } from 'vitest';
import type { BindDeps } from './bind.ts';
import { canBindHost, isLoopbackHost, resolveBindHosts } from './bind.ts';
import { GatewayConfigError } from './errors.ts';

function deps(bindable: readonly string[], tailnet?: string): BindDeps & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    canBind: (host) => {
      asked.push(host);
      return Promise.resolve(bindable.includes(host));
    },
    tailscaleIPv4: () => Promise.resolve(tailnet),
  };
}

async function refusal(promise: Promise<unknown>): Promise<GatewayConfigError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(GatewayConfigError);
  return error as GatewayConfigError;
}

describe('resolveBindHosts', () => {
  it('loopback: 127.0.0.1 plus ::1 when bindable', async () => {
    expect(await resolveBindHosts({ bind: 'loopback' }, deps(['127.0.0.1', '::1']))).toEqual(['127.0.0.1', '::1']);
    expect(await resolveBindHosts({ bind: 'loopback' }, deps(['127.0.0.1']))).toEqual(['127.0.0.1']);
    expect(await resolveBindHosts({ bind: 'loopback' }, deps(['::1']))).toEqual(['::1']);
  });

  it('loopback never widens to 0.0.0.0', async () => {
    const error = await refusal(resolveBindHosts({ bind: 'loopback' }, deps([])));
    expect(error.code).toBe('LOOPBACK_UNAVAILABLE');
    expect(error.message).toBe('gateway.bind is loopback, but neither 127.0.0.1 nor ::1 can be bound');
    expect(error.hint).toContain('will not fall back to every interface');
  });

  it('lan: 0.0.0.0 without probing', async () => {
    const probe = deps([]);
    expect(await resolveBindHosts({ bind: 'lan' }, probe)).toEqual(['0.0.0.0']);
    expect(probe.asked).toEqual([]);
  });

  it('auto: loopback if bindable, else 0.0.0.0', async () => {
    expect(await resolveBindHosts({ bind: 'auto' }, deps(['127.0.0.1', '::1']))).toEqual(['127.0.0.1', '::1']);
    expect(await resolveBindHosts({ bind: 'auto' }, deps(['127.0.0.1']))).toEqual(['127.0.0.1']);
    expect(await resolveBindHosts({ bind: 'auto' }, deps([]))).toEqual(['0.0.0.0']);
  });

  it('tailnet: the Tailscale IPv4', async () => {
    expect(await resolveBindHosts({ bind: 'tailnet' }, deps([], '100.101.102.103'))).toEqual(['100.101.102.103']);
  });

  it('tailnet without a Tailscale address refuses with the fix', async () => {
    for (const address of [undefined, '192.168.1.4']) {
      const error = await refusal(resolveBindHosts({ bind: 'tailnet' }, deps(['127.0.0.1'], address)));
      expect(error.code).toBe('TAILNET_UNAVAILABLE');
      expect(error.message).toBe('gateway.bind is tailnet, but this host has no Tailscale IPv4 address (100.64.0.0/10)');
      expect(error.hint).toBe(
        'start Tailscale and log in (sudo tailscale up), check `tailscale ip -4`; or keep gateway.bind loopback and publish it with gateway.tailscale.mode serve',
      );
    }
  });

  it('custom: IPv4 and IPv6 literals, normalised', async () => {
    const none = deps([]);
    expect(await resolveBindHosts({ bind: 'custom', customBindHost: '192.168.1.10' }, none)).toEqual(['192.168.1.10']);
    expect(await resolveBindHosts({ bind: 'custom', customBindHost: ' [FD00::5] ' }, none)).toEqual(['fd00::5']);
    expect(await resolveBindHosts({ bind: 'custom', customBindHost: '::ffff:10.0.0.2' }, none)).toEqual(['10.0.0.2']);
    expect(await resolveBindHosts({ bind: 'custom', customBindHost: 'fe80::1%eth0' }, none)).toEqual(['fe80::1%eth0']);
  });

  it('custom: an invalid or missing host refuses instead of falling back to 0.0.0.0', async () => {
    const hint =
      'set an address of this host, e.g. openclaw config set gateway.customBindHost 192.168.1.10 (an IPv4 or IPv6 literal, not a hostname), or use gateway.bind loopback';
    const invalid = await refusal(resolveBindHosts({ bind: 'custom', customBindHost: 'my-vps.example.com' }, deps(['0.0.0.0'])));
    expect(invalid.code).toBe('CUSTOM_HOST_INVALID');
    expect(invalid.message).toBe('gateway.customBindHost "my-vps.example.com" is not an IPv4 or IPv6 address');
    expect(invalid.hint).toBe(hint);
    const missing = await refusal(resolveBindHosts({ bind: 'custom' }, deps(['0.0.0.0'])));
    expect(missing.code).toBe('CUSTOM_HOST_INVALID');
    expect(missing.message).toBe('gateway.bind is custom, but gateway.customBindHost is not set');
    expect(missing.hint).toBe(hint);
  });
});

describe('isLoopbackHost', () => {
  it('accepts loopback hosts only', () => {
    for (const host of ['127.0.0.1', '::1', 'localhost', 'LocalHost', '127.0.0.2']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.1', '100.101.102.103']) expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('canBindHost (real sockets)', () => {
  it('can bind 127.0.0.1', async () => {
    expect(await canBindHost('127.0.0.1')).toBe(true);
  });

  it('cannot bind an address that is not on this host', async () => {
    // 192.0.2.0/24 is TEST-NET-1: never assigned to a real interface.
    expect(await canBindHost('192.0.2.1')).toBe(false);
  });
});
