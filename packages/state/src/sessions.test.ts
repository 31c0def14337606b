import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTranscriptLine } from './transcript-format.ts';
import { SessionStore } from './sessions.ts';
import type { SessionStoreOptions, SessionWarning } from './sessions.ts';

const T0 = Date.parse('2026-02-05T10:00:00.000Z');
const DAY = 86_400_000;
const mode = (path: string) => statSync(path).mode & 0o777;

function setup(options: Partial<SessionStoreOptions> = {}) {
  const stateDir = mkdtempSync(join(tmpdir(), 'oc-sessions-'));
  const clock = { now: T0 };
  const warnings: SessionWarning[] = [];
  const open = (more: Partial<SessionStoreOptions> = {}) =>
    new SessionStore({ stateDir, clock: () => clock.now, onWarning: (w) => warnings.push(w), ...options, ...more });
  return { stateDir, clock, warnings, open, store: open() };
}

const user = (text: string) => ({ type: 'message', message: { role: 'user', content: text } });
const assistant = (text: string, input: number, output: number) => ({
  type: 'message',
  message: { role: 'assistant', content: [{ type: 'text', text }], usage: { input, output, totalTokens: input + output } },
});
const index = (store: SessionStore) => JSON.parse(readFileSync(store.indexFile, 'utf8')) as Record<string, Record<string, unknown>>;

describe('SessionStore', () => {
  it('resolve creates the session once: uuid, transcript header, index entry', async () => {
    const { store } = setup();
    const first = await store.resolve('main');
    expect(first).toMatchObject({ key: 'agent:main:main', created: true, entry: { updatedAt: T0 } });
    expect(first.entry.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.transcriptFile).toBe(join(store.sessionsDir, `${first.entry.sessionId}.jsonl`));
    expect(store.sessionsDir).toMatch(/agents\/main\/sessions$/);
    expect(JSON.parse(readFileSync(first.transcriptFile, 'utf8'))).toEqual({
      type: 'session',
      version: 3,
      id: first.entry.sessionId,
      timestamp: new Date(T0).toISOString(),
      sessionKey: 'agent:main:main',
    });
    expect(index(store)).toEqual({ 'agent:main:main': { sessionId: first.entry.sessionId, updatedAt: T0 } });
    const stamp = statSync(store.indexFile).ino;
    const again = await store.resolve('agent:main:main');
    expect(again).toMatchObject({ created: false, entry: { sessionId: first.entry.sessionId } });
    expect(statSync(store.indexFile).ino).toBe(stamp); // nothing changed: not rewritten
  });

  it('resolve maps legacy keys and records metadata, rewriting only on change', async () => {
    const { store } = setup();
    const meta = { channel: 'telegram', chatType: 'direct', displayName: 'Ann', deliveryContext: { channel: 'telegram', to: '123', accountId: 'default' } };
    const s = await store.resolve('dm:telegram:123', meta);
    expect(s.key).toBe('agent:main:telegram:dm:123');
    expect(index(store)[s.key]).toMatchObject(meta);
    const stamp = statSync(store.indexFile).ino;
    await store.resolve(s.key, meta);
    expect(statSync(store.indexFile).ino).toBe(stamp);
    await store.resolve(s.key, { displayName: 'Ann B' });
    expect(index(store)[s.key]).toMatchObject({ displayName: 'Ann B', sessionId: s.entry.sessionId, channel: 'telegram' });
  });

  it('append writes the transcript; the end of a turn updates updatedAt and token usage', async () => {
    const { store, clock } = setup();
    const { key } = await store.resolve('main');
    clock.now = T0 + 5_000;
    const u = await store.append(key, user('hi'));
    expect(index(store)[key]!.updatedAt).toBe(T0); // mid-turn: index untouched
    await store.append(key, { type: 'message', message: { role: 'assistant', content: [], stopReason: 'toolUse', usage: { input: 100, output: 10, totalTokens: 110 } } });
    await store.append(key, { type: 'message', message: { role: 'toolResult', content: 'ok' } });
    const a = await store.append(key, assistant('hello', 150, 20), { endOfTurn: true });
    expect(a.parentId).not.toBe(u.id);
    expect(index(store)[key]).toMatchObject({ updatedAt: T0 + 5_000, inputTokens: 250, outputTokens: 30, totalTokens: 170 });
    await store.append(key, user('again'));
    await store.append(key, assistant('bye', 200, 5), { endOfTurn: true });
    expect(index(store)[key]).toMatchObject({ inputTokens: 200, outputTokens: 5, totalTokens: 205 });
    const last = await store.readLast(key, 3);
    expect(last.map((e) => e.message?.content)).toEqual([[{ type: 'text', text: 'hello' }], 'again', [{ type: 'text', text: 'bye' }]]);
    expect((await store.readLast(key, 100)).length).toBe(6);
    store.close();
  });

  it('append and readLast refuse unknown sessions', async () => {
    const { store } = setup();
    await expect(store.append('nope', user('x'))).rejects.toMatchObject({ code: 'SESSION_NOT_FOUND' });
    await expect(store.readLast('nope', 1)).rejects.toMatchObject({ code: 'SESSION_NOT_FOUND' });
  });

  it('concurrent first appends in one process share one open transcript (one descriptor)', async () => {
    const { store } = setup();
    const s = await store.resolve('main');
    await Promise.all([store.append(s.key, user('a')), store.append(s.key, user('b')), store.append(s.key, user('c'))]);
    const fds = readdirSync('/proc/self/fd').filter((fd) => {
      try {
        return readlinkSync(join('/proc/self/fd', fd)) === s.transcriptFile;
      } catch {
        return false; // closed meanwhile
      }
    });
    expect(fds).toHaveLength(1);
    expect((await store.readLast(s.key, 5)).map((e) => e.message?.content).sort()).toEqual(['a', 'b', 'c']);
    store.close();
  });

  it('a failed index update after a stored append is a warning, not an error', async () => {
    const { store, warnings } = setup({ lockTimeoutMs: 200 });
    const s = await store.resolve('main');
    await store.append(s.key, user('q'));
    // A live holder (this very process, as far as the lock file says) keeps sessions.json locked.
    writeFileSync(`${store.indexFile}.lock`, JSON.stringify({ pid: process.pid, createdAt: new Date().toISOString() }));
    const a = await store.append(s.key, assistant('r', 1, 1), { endOfTurn: true });
    expect(warnings).toMatchObject([{ kind: 'index-update-failed', key: s.key, error: { code: 'LOCK_TIMEOUT' } }]);
    expect((await store.readLast(s.key, 1))[0]?.id).toBe(a.id);
    store.close();
  });

  it('fsync "always" records updatedAt on every append', async () => {
    const { store, clock } = setup({ fsync: 'always' });
    const { key } = await store.resolve('main');
    clock.now = T0 + 1;
    await store.append(key, user('x'));
    expect(index(store)[key]!.updatedAt).toBe(T0 + 1);
    store.close();
  });

  it('reset starts a new transcript, keeps the old one and the metadata, clears counters', async () => {
    const { store, clock } = setup();
    const s = await store.resolve('main', { channel: 'telegram' });
    await store.append(s.key, user('old'));
    await store.append(s.key, assistant('a', 5, 5), { endOfTurn: true });
    clock.now = T0 + 1000;
    const { previousSessionId, session } = await store.reset('main');
    expect(previousSessionId).toBe(s.entry.sessionId);
    expect(session.entry.sessionId).not.toBe(previousSessionId);
    expect(index(store)[s.key]).toEqual({ sessionId: session.entry.sessionId, updatedAt: T0 + 1000, channel: 'telegram' });
    expect(readFileSync(s.transcriptFile, 'utf8')).toContain('"old"');
    expect(await store.readLast('main', 10)).toEqual([]);
    await store.append('main', user('new'));
    expect((await store.readLast('main', 10)).map((e) => e.message?.content)).toEqual(['new']);
    await expect(store.reset('nope')).rejects.toMatchObject({ code: 'SESSION_NOT_FOUND' });
    store.close();
  });

  it('delete drops the entry and moves the transcript aside, intact', async () => {
    const { store } = setup();
    const s = await store.resolve('main');
    await store.append(s.key, user('remember me'), { endOfTurn: true });
    const content = readFileSync(s.transcriptFile);
    const deleted = await store.delete('main');
    expect(deleted?.movedTo).toMatch(new RegExp(`${s.entry.sessionId}\\.jsonl\\.deleted-2026-02-05T10-00-00\\.000Z$`));
    expect(readFileSync(deleted!.movedTo!)).toEqual(content);
    expect(existsSync(s.transcriptFile)).toBe(false);
    expect(index(store)).toEqual({});
    expect(await store.delete('main')).toBeUndefined();
    expect((await store.resolve('main')).created).toBe(true);
  });

  it('list filters by channel and recent activity, newest first; prune removes old sessions', async () => {
    const { store, clock, open } = setup();
    const at = async (ms: number, key: string, channel: string) => {
      clock.now = ms;
      await store.resolve(key, { channel });
    };
    await at(T0 - 30 * DAY, 'dm:telegram:1', 'telegram');
    await at(T0 - 2 * DAY, 'dm:discord:2', 'discord');
    await at(T0 - 60_000, 'group:telegram:3', 'telegram');
    clock.now = T0;
    expect((await store.list()).map((s) => s.key)).toEqual(['agent:main:telegram:group:3', 'agent:main:discord:dm:2', 'agent:main:telegram:dm:1']);
    expect((await store.list({ channel: 'Telegram' })).map((s) => s.key)).toEqual(['agent:main:telegram:group:3', 'agent:main:telegram:dm:1']);
    expect((await store.list({ activeWithinMinutes: 5 })).map((s) => s.key)).toEqual(['agent:main:telegram:group:3']);
    await open({ agentId: 'Work' }).resolve('main');
    expect((await store.list({ agentId: 'work' })).map((s) => s.key)).toEqual(['agent:work:main']);
    const pruned = await store.prune({ olderThanDays: 7 });
    expect(pruned.map((p) => p.key)).toEqual(['agent:main:telegram:dm:1']);
    expect(pruned[0]!.movedTo).toContain('.deleted-');
    expect(Object.keys(index(store))).toEqual(['agent:main:discord:dm:2', 'agent:main:telegram:group:3']);
    await expect(store.prune({ olderThanDays: Number.NaN })).rejects.toThrow(RangeError);
  });

  it('repair reports torn tails, malformed lines, missing and orphan transcripts, and sweeps dead temp files', async () => {
    const { store, open } = setup();
    const a = await store.resolve('dm:telegram:1');
    const b = await store.resolve('dm:telegram:2');
    await store.append(a.key, user('one'), { endOfTurn: true });
    appendFileSync(a.transcriptFile, 'garbage in the middle\n'); // while open: a last line at open time would be cut as torn
    await store.append(a.key, user('three'), { endOfTurn: true });
    store.close();
    appendFileSync(a.transcriptFile, '{"type":"mess');
    writeFileSync(join(store.sessionsDir, 'orphan.jsonl'), '{"type":"session","version":3,"id":"orphan","timestamp":"x"}\n');
    writeFileSync(join(store.sessionsDir, '.sessions.json.999999999.0123456789ab.tmp'), 'half');
    const { rmSync } = await import('node:fs');
    rmSync(b.transcriptFile);
    const report = await open().repair();
    expect(report.staleTempFiles).toEqual([join(store.sessionsDir, '.sessions.json.999999999.0123456789ab.tmp')]);
    expect(report.missingTranscripts).toEqual([{ key: b.key, sessionId: b.entry.sessionId }]);
    expect(report.orphanTranscripts).toEqual([join(store.sessionsDir, 'orphan.jsonl')]);
    const ta = report.transcripts.find((t) => t.file === a.transcriptFile)!;
    expect(ta).toMatchObject({ header: 'ok', entries: 2, malformedLines: [3], tornTail: { bytes: 13 } });
    expect(report.index).toBeUndefined();
  });
});

describe('corrupt or lost index', () => {
  it('keeps an unparsable sessions.json aside and rebuilds it from transcript headers', async () => {
    const { store, clock, open, warnings } = setup();
    const main = await store.resolve('main', { channel: 'telegram' });
    const dm = await store.resolve('dm:discord:9');
    clock.now = T0 + 1000;
    const { session } = await store.reset('main');
    store.close();
    const foreign = join(store.sessionsDir, 'abc-123.jsonl'); // written by the original: no sessionKey in the header
    writeFileSync(foreign, '{"type":"session","version":3,"id":"abc-123","timestamp":"2026-01-01T00:00:00.000Z","cwd":"/w"}\n');
    writeFileSync(store.indexFile, '{"agent:main:main": {"sessionId": "x", "upd');
    const fresh = open();
    expect((await fresh.get('main'))?.sessionId).toBe(session.entry.sessionId);
    const recovered = warnings.find((w) => w.kind === 'index-recovered');
    expect(recovered).toBeDefined();
    const recovery = (recovered as Extract<SessionWarning, { kind: 'index-recovered' }>).recovery;
    expect(recovery.reason).toBe('unparsable');
    expect(readFileSync(recovery.corruptCopy!, 'utf8')).toBe('{"agent:main:main": {"sessionId": "x", "upd');
    expect(mode(recovery.corruptCopy!)).toBe(0o600);
    expect(recovery.restored).toEqual(
      expect.arrayContaining([
        { key: 'agent:main:main', sessionId: session.entry.sessionId, keyKnown: true },
        { key: dm.key, sessionId: dm.entry.sessionId, keyKnown: true },
        { key: 'agent:main:recovered:abc-123', sessionId: 'abc-123', keyKnown: false },
      ]),
    );
    expect(recovery.superseded).toEqual([{ key: 'agent:main:main', sessionId: main.entry.sessionId }]);
    expect(Object.keys(index(fresh)).sort()).toEqual(['agent:main:discord:dm:9', 'agent:main:main', 'agent:main:recovered:abc-123']);
    expect((await fresh.repair()).index?.reason).toBe('unparsable');
  });

  it('rebuilds a missing index when transcripts exist, and reads an empty dir as empty without writing', async () => {
    const { store, open, warnings } = setup();
    expect(await store.list()).toEqual([]);
    expect(existsSync(store.indexFile)).toBe(false);
    const s = await store.resolve('main');
    const { rmSync } = await import('node:fs');
    rmSync(store.indexFile);
    expect((await open().get('main'))?.sessionId).toBe(s.entry.sessionId);
    expect(warnings).toMatchObject([{ kind: 'index-recovered', recovery: { reason: 'missing' } }]);
  });

  it('reads JSON5 and migrates legacy keys and fields on the next write', async () => {
    const { store } = setup();
    const { mkdirSync } = await import('node:fs');
    mkdirSync(store.sessionsDir, { recursive: true });
    writeFileSync(store.indexFile, "{\n  // hand edited\n  main: { sessionId: 's1', updatedAt: 5, provider: 'telegram', room: 'r' },\n}\n");
    expect(await store.get('agent:main:main')).toEqual({ sessionId: 's1', updatedAt: 5, channel: 'telegram', groupChannel: 'r' });
    await store.resolve('dm:x:1');
    expect(index(store)['agent:main:main']).toEqual({ sessionId: 's1', updatedAt: 5, channel: 'telegram', groupChannel: 'r' });
  });
});

describe('permissions', () => {
  let umask: number;
  beforeAll(() => {
    umask = process.umask(0o022);
  });
  afterAll(() => {
    process.umask(umask);
  });

  it('every file is 0600 and every directory 0700 under umask 022', async () => {
    const { store, open } = setup();
    const s = await store.resolve('main');
    await store.append(s.key, user('x'), { endOfTurn: true });
    store.close();
    appendFileSync(s.transcriptFile, '{"torn');
    const again = open();
    await again.append(s.key, user('y'), { endOfTurn: true });
    await again.reset('main');
    await again.resolve('dm:a:1');
    await again.delete('dm:a:1');
    again.close();
    writeFileSync(again.indexFile, 'garbage', { mode: 0o600 });
    await open().repair();
    const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? [join(dir, d.name), ...walk(join(dir, d.name))] : [join(dir, d.name)]));
    const paths = walk(s.transcriptFile.replace(/\/agents\/.*$/, ''));
    expect(paths.some((p) => p.includes('.corrupt-'))).toBe(true);
    expect(paths.some((p) => p.includes('.deleted-'))).toBe(true);
    for (const path of paths) expect([path, mode(path)]).toEqual([path, statSync(path).isDirectory() ? 0o700 : 0o600]);
    for (const line of readFileSync(s.transcriptFile, 'utf8').trim().split('\n')) expect(parseTranscriptLine(line).kind).not.toBe('malformed');
  });
});
