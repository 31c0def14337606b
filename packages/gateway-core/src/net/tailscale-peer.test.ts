import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createProcPeerCheck, processUids, socketOwnerUid } from './tailscale-peer.ts';
import { verifyTailscaleRequest } from './tailscale.ts';

const HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
const row = (local: string, remote: string, uid: number) => `   0: ${local} ${remote} 01 00000000:00000000 00:00000000 00000000 ${String(uid).padStart(5)}        0 12345 1 0000000000000000 20 4 30 10 -1\n`;

let root: string;
function fakeProc(options: { tcp?: string; tcp6?: string; daemons?: Record<string, { comm: string; uid: number }> }): string {
  root = mkdtempSync(join(tmpdir(), 'oc-proc-'));
  mkdirSync(join(root, 'net'));
  writeFileSync(join(root, 'net', 'tcp'), HEADER + (options.tcp ?? ''));
  writeFileSync(join(root, 'net', 'tcp6'), HEADER + (options.tcp6 ?? ''));
  for (const [pid, daemon] of Object.entries(options.daemons ?? {})) {
    mkdirSync(join(root, pid));
    writeFileSync(join(root, pid, 'comm'), `${daemon.comm}\n`);
    writeFileSync(join(root, pid, 'status'), `Name:\t${daemon.comm}\nUid:\t${daemon.uid}\t${daemon.uid}\t${daemon.uid}\t${daemon.uid}\n`);
  }
  return root;
}

afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

// 127.0.0.1:50000 → 127.0.0.1:18789, and ::1:50001 → ::1:18789, as the kernel prints them.
const V4_PEER = '0100007F:C350';
const V4_US = '0100007F:4965';
const V6_PEER = '00000000000000000000000001000000:C351';
const V6_US = '00000000000000000000000001000000:4965';
const v4 = { remoteAddress: '127.0.0.1', remotePort: 50000, localAddress: '127.0.0.1', localPort: 18789 };
const v6 = { remoteAddress: '::1', remotePort: 50001, localAddress: '::1', localPort: 18789 };

describe('the Tailscale peer check', () => {
  it('passes a loopback peer whose socket belongs to the uid tailscaled runs as', async () => {
    const procRoot = fakeProc({ tcp: row(V4_PEER, V4_US, 0), tcp6: row(V6_PEER, V6_US, 0), daemons: { 321: { comm: 'tailscaled', uid: 0 } } });
    const check = createProcPeerCheck({ procRoot, platform: 'linux' });
    expect(await check(v4)).toBe(true);
    expect(await check(v6)).toBe(true);
    expect(socketOwnerUid(procRoot, v4)).toBe(0);
    expect([...processUids(procRoot, 'tailscaled')]).toEqual([0]);
  });

  it('refuses a peer of another uid (a local user forging the headers), an unknown socket, and no tailscaled', async () => {
    const forged = fakeProc({ tcp: row(V4_PEER, V4_US, 1000), daemons: { 321: { comm: 'tailscaled', uid: 0 }, 999: { comm: 'python3', uid: 1000 } } });
    expect(await createProcPeerCheck({ procRoot: forged, platform: 'linux' })(v4)).toBe(false);
    expect(await createProcPeerCheck({ procRoot: forged, platform: 'linux' })({ ...v4, remotePort: 50002 })).toBe(false);
    rmSync(forged, { recursive: true, force: true });
    const noDaemon = fakeProc({ tcp: row(V4_PEER, V4_US, 0) });
    expect(await createProcPeerCheck({ procRoot: noDaemon, platform: 'linux' })(v4)).toBe(false);
  });

  it('cannot check without /proc (macOS) and lets the other checks decide', async () => {
    expect(await createProcPeerCheck({ procRoot: '/nonexistent', platform: 'darwin' })(v4)).toBe(true);
  });

  it("finds the owner of a real loopback connection's peer socket in this machine's /proc", async () => {
    if (process.platform !== 'linux') return;
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
    const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
    const socket = await accepted;
    try {
      const ends = { remoteAddress: socket.remoteAddress, remotePort: socket.remotePort, localAddress: socket.localAddress, localPort: socket.localPort };
      expect(socketOwnerUid('/proc', ends)).toBe(process.getuid?.());
    } finally {
      client.destroy();
      socket.destroy();
      server.close();
    }
  });

  it('verifyTailscaleRequest refuses headers from a loopback peer that is not tailscaled', async () => {
    const headers = { 'tailscale-user-login': 'owner@example.com', 'x-forwarded-for': '100.64.0.7', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'gw.tailnet.ts.net' };
    const whois = async () => ({ login: 'owner@example.com', name: 'Owner' });
    const request = { remoteAddress: '127.0.0.1', remotePort: 50000, localAddress: '127.0.0.1', localPort: 18789, headers };
    expect(await verifyTailscaleRequest(request, whois, async () => false)).toEqual({ ok: false, reason: 'tailscale_proxy_untrusted' });
    expect(await verifyTailscaleRequest(request, whois, async () => true)).toMatchObject({ ok: true, user: { login: 'owner@example.com' } });
  });
});
