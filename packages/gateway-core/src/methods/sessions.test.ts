import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SessionStore } from '@openclaw/state';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deleteSession, listSessions, previewSessions, resetSession } from './sessions.ts';
import type { SessionMethodsDeps } from './sessions.ts';

const T0 = Date.parse('2026-02-05T10:00:00.000Z');
const MINUTE = 60_000;

let stateDir: string;
let now: number;
let stores: Map<string, SessionStore>;
let deps: SessionMethodsDeps;

const store = (agentId = 'main') => deps.sessions(agentId);
const user = (text: string) => ({ type: 'message', message: { role: 'user', content: text } });
const assistant = (content: unknown[], totalTokens = 0) => ({ type: 'message', message: { role: 'assistant', content, usage: { input: 1, output: 1, totalTokens } } });

beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'oc-session-methods-'));
  now = T0;
  stores = new Map();
  deps = {
    clock: () => now,
    sessions: (agentId = 'main') => {
      let s = stores.get(agentId);
      if (!s) stores.set(agentId, (s = new SessionStore({ stateDir, agentId, clock: () => now })));
      return s;
    },
  };
});
afterEach(() => {
  for (const s of stores.values()) s.close();
  rmSync(stateDir, { recursive: true, force: true });
});

async function seed(): Promise<void> {
  await store().resolve('main', { channel: 'webchat', chatType: 'direct', displayName: 'Me' });
  await store().append('main', user('hello there'));
  await store().append('main', assistant([{ type: 'thinking', thinking: 'hmm' }, { type: 'text', text: 'Hi!   How can\nI help?' }], 1234), { endOfTurn: true });
  now += 30 * MINUTE;
  await store().resolve('dm:telegram:42', { lastChannel: 'telegram', chatType: 'direct', displayName: 'Ann', label: 'support' });
  await store().append('dm:telegram:42', user('x'.repeat(500)));
  await store().append('dm:telegram:42', assistant([{ type: 'toolCall', name: 'search' }, { type: 'image' }], 2), { endOfTurn: true });
  now += 30 * MINUTE;
  await store('work').resolve('main', { displayName: 'Work main' });
}

describe('sessions.list', () => {
  it('lists the newest first with only the fields a list shows', async () => {
    await seed();
    const result = await listSessions(deps, {});
    expect(result).toEqual({
      ts: now,
      count: 2,
      sessions: [
        { key: 'agent:main:telegram:dm:42', sessionId: expect.any(String), updatedAt: T0 + 30 * MINUTE, channel: 'telegram', chatType: 'direct', displayName: 'Ann', label: 'support', totalTokens: 2 },
        { key: 'agent:main:main', sessionId: expect.any(String), updatedAt: T0, channel: 'webchat', chatType: 'direct', displayName: 'Me', totalTokens: 1234 },
      ],
    });
  });

  it('filters by activity, search and agent, and limits', async () => {
    await seed();
    expect((await listSessions(deps, { activeMinutes: 45 })).sessions.map((s) => s.key)).toEqual(['agent:main:telegram:dm:42']);
    expect((await listSessions(deps, { search: 'SUPPORT' })).sessions.map((s) => s.key)).toEqual(['agent:main:telegram:dm:42']);
    expect((await listSessions(deps, { search: 'nobody' })).count).toBe(0);
    expect((await listSessions(deps, { limit: 1 })).sessions.map((s) => s.key)).toEqual(['agent:main:telegram:dm:42']);
    expect((await listSessions(deps, { agentId: 'work' })).sessions).toEqual([{ key: 'agent:work:main', sessionId: expect.any(String), updatedAt: now, displayName: 'Work main' }]);
  });
});

describe('sessions.preview', () => {
  it('shows the last messages as flattened, truncated text, per key, from the right agent', async () => {
    await seed();
    const result = await previewSessions(deps, { keys: ['main', 'dm:telegram:42', 'agent:work:main', 'agent:main:nobody'], limit: 5, maxChars: 24 });
    expect(result.previews).toEqual([
      { key: 'agent:main:main', status: 'ok', messages: [{ role: 'user', text: 'hello there' }, { role: 'assistant', text: 'Hi! How can I help?' }] },
      { key: 'agent:main:telegram:dm:42', status: 'ok', messages: [{ role: 'user', text: `${'x'.repeat(23)}…` }, { role: 'assistant', text: '[tool: search] [image]' }] },
      { key: 'agent:work:main', status: 'empty', messages: [] },
      { key: 'agent:main:nobody', status: 'missing', messages: [] },
    ]);
    expect((await previewSessions(deps, { keys: ['main'], limit: 1, maxChars: 200 })).previews[0]!.messages).toEqual([{ role: 'assistant', text: 'Hi! How can I help?' }]);
  });

  it('reports a session it cannot read as an error without failing the others', async () => {
    await seed();
    writeFileSync(store().indexFile, JSON.stringify({ 'agent:main:bad': { sessionId: '../../etc/passwd', updatedAt: 1 }, 'agent:main:main': (await store().get('main'))! }));
    const { previews } = await previewSessions(deps, { keys: ['bad', 'main'], limit: 5, maxChars: 200 });
    expect(previews[0]).toMatchObject({ key: 'agent:main:bad', status: 'error', messages: [], error: expect.stringContaining('invalid sessionId') });
    expect(previews[1]).toMatchObject({ key: 'agent:main:main', status: 'ok' });
  });
});

describe('sessions.reset and sessions.delete', () => {
  it('reset gives the key a new sessionId and keeps the old transcript', async () => {
    await seed();
    const before = (await store().get('main'))!;
    const result = await resetSession(deps, 'main');
    expect(result).toEqual({ ok: true, key: 'agent:main:main', sessionId: expect.any(String), previousSessionId: before.sessionId });
    expect(result.sessionId).not.toBe(before.sessionId);
    expect(existsSync(join(store().sessionsDir, `${before.sessionId}.jsonl`))).toBe(true);
    expect((await previewSessions(deps, { keys: ['main'], limit: 5, maxChars: 200 })).previews[0]!.status).toBe('empty');
  });

  it('reset of an unknown key is a bad request', async () => {
    await expect(resetSession(deps, 'agent:main:nobody')).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: 'no session agent:main:nobody' });
  });

  it('delete removes the key and moves the transcript aside; deleting again says false', async () => {
    await seed();
    const { sessionId } = (await store('work').get('main'))!;
    expect(await deleteSession(deps, 'agent:work:main')).toEqual({ ok: true, key: 'agent:work:main', deleted: true });
    expect(await store('work').get('main')).toBeUndefined();
    expect(readdirSync(store('work').sessionsDir).some((name) => name.startsWith(`${sessionId}.jsonl.deleted-`))).toBe(true);
    expect(await deleteSession(deps, 'agent:work:main')).toEqual({ ok: true, key: 'agent:work:main', deleted: false });
    expect((await listSessions(deps, {})).count).toBe(2);
  });
});
