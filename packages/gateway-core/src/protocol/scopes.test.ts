import { describe, expect, it } from 'vitest';
import { GATEWAY_EVENTS } from './constants.ts';
import { authorizeMethod, eventAllowed, requiredPermission } from './scopes.ts';

const operator = (...scopes: string[]) => ({ role: 'operator', scopes });
const node = { role: 'node', scopes: [] };

describe('authorizeMethod', () => {
  it.each(['health', 'status', 'logs.tail', 'channels.status', 'models.list', 'sessions.list', 'chat.history', 'node.list', 'last-heartbeat'])(
    'read method %s: read or write scope',
    (method) => {
      expect(authorizeMethod(operator('operator.read'), method)).toEqual({ ok: true });
      expect(authorizeMethod(operator('operator.write'), method)).toEqual({ ok: true });
      expect(authorizeMethod(operator('operator.approvals'), method)).toEqual({ ok: false, message: 'missing scope: operator.read' });
    },
  );

  it('treats system-presence as a read method (the 2026.9.6 probe bug)', () => {
    expect(requiredPermission('system-presence')).toEqual({ scope: 'operator.read' });
    expect(authorizeMethod(operator('operator.read'), 'system-presence')).toEqual({ ok: true });
  });

  it.each(['send', 'agent', 'agent.wait', 'wake', 'chat.send', 'chat.abort', 'node.invoke', 'tts.convert', 'browser.request'])(
    'write method %s: write scope only',
    (method) => {
      expect(authorizeMethod(operator('operator.write'), method)).toEqual({ ok: true });
      expect(authorizeMethod(operator('operator.read'), method)).toEqual({ ok: false, message: 'missing scope: operator.write' });
    },
  );

  it.each(['exec.approval.request', 'exec.approval.resolve'])('approval method %s', (method) => {
    expect(authorizeMethod(operator('operator.approvals'), method)).toEqual({ ok: true });
    expect(authorizeMethod(operator('operator.write'), method)).toEqual({ ok: false, message: 'missing scope: operator.approvals' });
  });

  it.each(['node.pair.approve', 'node.pair.list', 'device.pair.reject', 'device.pair.somethingNew', 'device.token.rotate', 'device.token.revoke', 'node.rename'])(
    'pairing method %s',
    (method) => {
      expect(authorizeMethod(operator('operator.pairing'), method)).toEqual({ ok: true });
      expect(authorizeMethod(operator('operator.read', 'operator.write'), method)).toEqual({ ok: false, message: 'missing scope: operator.pairing' });
    },
  );

  it.each(['config.get', 'config.set', 'config.patch', 'wizard.start', 'update.run', 'exec.approvals.get', 'channels.logout', 'skills.install', 'cron.add', 'sessions.patch', 'sessions.delete', 'web.login.start', 'no.such.method'])(
    'admin method %s',
    (method) => {
      expect(authorizeMethod(operator('operator.admin'), method)).toEqual({ ok: true });
      expect(authorizeMethod(operator('operator.read', 'operator.write', 'operator.approvals', 'operator.pairing'), method)).toEqual({
        ok: false,
        message: 'missing scope: operator.admin',
      });
    },
  );

  it('lets operator.admin call every operator method', () => {
    for (const method of ['health', 'chat.send', 'exec.approval.resolve', 'device.pair.approve', 'config.apply']) {
      expect(authorizeMethod(operator('operator.admin'), method)).toEqual({ ok: true });
    }
  });

  it('confines role node to its three methods, and keeps operators out of them', () => {
    for (const method of ['node.invoke.result', 'node.event', 'skills.bins']) {
      expect(authorizeMethod(node, method)).toEqual({ ok: true });
      expect(authorizeMethod(operator('operator.admin'), method)).toEqual({ ok: false, message: 'unauthorized role: operator' });
    }
    expect(authorizeMethod(node, 'health')).toEqual({ ok: false, message: 'unauthorized role: node' });
    expect(authorizeMethod({ role: 'node', scopes: ['operator.admin'] }, 'config.get')).toEqual({ ok: false, message: 'unauthorized role: node' });
  });

  it('defaults a missing role to operator and refuses unknown roles', () => {
    expect(authorizeMethod({ scopes: ['operator.read'] }, 'health')).toEqual({ ok: true });
    expect(authorizeMethod({ role: 'guest', scopes: ['operator.admin'] }, 'health')).toEqual({ ok: false, message: 'unauthorized role: guest' });
  });

  it('grants nothing to an operator without scopes', () => {
    expect(authorizeMethod(operator(), 'health')).toEqual({ ok: false, message: 'missing scope: operator.read' });
  });
});

describe('eventAllowed', () => {
  it('sends unguarded events to everyone, nodes included', () => {
    for (const event of ['tick', 'health', 'presence', 'chat', 'agent', 'shutdown', 'node.invoke.request']) {
      expect(eventAllowed(operator(), event)).toBe(true);
      expect(eventAllowed(node, event)).toBe(true);
    }
  });

  it('guards approval events with operator.approvals', () => {
    expect(eventAllowed(operator('operator.approvals'), 'exec.approval.requested')).toBe(true);
    expect(eventAllowed(operator('operator.admin'), 'exec.approval.resolved')).toBe(true);
    expect(eventAllowed(operator('operator.pairing', 'operator.write'), 'exec.approval.requested')).toBe(false);
    expect(eventAllowed({ role: 'node', scopes: ['operator.approvals'] }, 'exec.approval.requested')).toBe(false);
  });

  it('guards pairing events with operator.pairing', () => {
    for (const event of ['device.pair.requested', 'device.pair.resolved', 'node.pair.requested', 'node.pair.resolved']) {
      expect(eventAllowed(operator('operator.pairing'), event)).toBe(true);
      expect(eventAllowed(operator('operator.admin'), event)).toBe(true);
      expect(eventAllowed(operator('operator.read'), event)).toBe(false);
    }
  });

  it('has a decision for every advertised event', () => {
    for (const event of GATEWAY_EVENTS) expect(typeof eventAllowed(operator('operator.admin'), event)).toBe('boolean');
    expect(GATEWAY_EVENTS.filter((event) => !eventAllowed(operator('operator.read'), event))).toEqual([
      'node.pair.requested',
      'node.pair.resolved',
      'device.pair.requested',
      'device.pair.resolved',
      'exec.approval.requested',
      'exec.approval.resolved',
    ]);
  });
});
