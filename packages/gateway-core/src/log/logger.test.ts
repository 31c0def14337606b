import { describe, expect, it } from 'vitest';
import { createLogger, memorySink, nullLogger } from './logger.ts';
import type { LogSink } from './logger.ts';
import { createRedactor } from './redact.ts';

const T0 = Date.UTC(2026, 1, 3, 4, 5, 6, 789);
const clock = () => T0;

describe('createLogger', () => {
  it('writes {time, level, msg, ...bindings, ...fields} as one JSON object per record', () => {
    const sink = memorySink();
    const log = createLogger({ sinks: [sink], clock });
    log.child({ module: 'ws', connId: 7 }).info('client connected', { remote: '127.0.0.1' });
    expect(sink.lines()).toEqual(['{"time":"2026-02-03T04:05:06.789Z","level":"info","msg":"client connected","module":"ws","connId":7,"remote":"127.0.0.1"}']);
  });

  it('filters by level; fatal and silent write nothing from the five methods', () => {
    const levels = ['trace', 'debug', 'info', 'warn', 'error'] as const;
    const written = (threshold: Parameters<typeof createLogger>[0]['level']) => {
      const sink = memorySink();
      const log = createLogger({ sinks: [sink], clock, level: threshold });
      for (const level of levels) log[level](level);
      return sink.records.map((r) => r.level);
    };
    expect(written(undefined)).toEqual(['info', 'warn', 'error']);
    expect(written('trace')).toEqual([...levels]);
    expect(written('warn')).toEqual(['warn', 'error']);
    expect(written('fatal')).toEqual([]);
    expect(written('silent')).toEqual([]);
  });

  it('lets fields override bindings and child bindings override parent ones, but never time/level/msg', () => {
    const sink = memorySink();
    const log = createLogger({ sinks: [sink], clock }).child({ a: 1, b: 1 }).child({ b: 2 });
    log.warn('m', { a: 3, msg: 'spoof', level: 'error', time: 'x' });
    expect(sink.records[0]).toEqual({ time: '2026-02-03T04:05:06.789Z', level: 'warn', msg: 'm', a: 3, b: 2, _msg: 'spoof', _level: 'error', _time: 'x' });
  });

  it('serialises errors as {name, message, code?, stack?, cause?} and nothing else', () => {
    const sink = memorySink();
    const cause = Object.assign(new Error('ECONNREFUSED 127.0.0.1:443'), { code: 'ECONNREFUSED' });
    const err = Object.assign(new TypeError('request failed', { cause }), { config: { headers: { Authorization: 'Bearer x' } } });
    createLogger({ sinks: [sink], clock }).error('send failed', { err });
    const out = sink.records[0]?.['err'] as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['name', 'message', 'stack', 'cause']);
    expect(out['name']).toBe('TypeError');
    expect(out['message']).toBe('request failed');
    expect(out['stack']).toMatch(/^TypeError: request failed\n/);
    expect(out['cause']).toMatchObject({ name: 'Error', message: 'ECONNREFUSED 127.0.0.1:443', code: 'ECONNREFUSED' });
  });

  it('turns awkward values into JSON that always stringifies', () => {
    const sink = memorySink();
    const circular: Record<string, unknown> = { name: 'loop' };
    circular['self'] = circular;
    const shared = { x: 1 };
    createLogger({ sinks: [sink], clock, limits: { maxStringLength: 10, maxArrayLength: 3, maxDepth: 3 } }).info('values', {
      big: 10n,
      nan: Number.NaN,
      inf: Number.POSITIVE_INFINITY,
      undef: undefined,
      fn: () => 1,
      date: new Date(T0),
      bytes: Buffer.from('secret-ish binary'),
      map: new Map([['k', 1]]),
      set: new Set([1, 2]),
      long: 'x'.repeat(25),
      array: [1, 2, 3, 4, 5],
      deep: { a: { b: { c: { d: 1 } } } },
      circular,
      twice: [shared, shared],
      url: new URL('https://example.com/a'),
    });
    const record = JSON.parse(sink.lines()[0] ?? '') as Record<string, unknown>;
    expect(record).toMatchObject({
      big: '10',
      nan: 'NaN',
      inf: 'Infinity',
      date: '2026-02-03T04:05:06.789Z',
      bytes: '[Buffer 17 bytes]',
      map: { k: 1 },
      set: [1, 2],
      long: 'xxxxxxxxxx…[15 more chars]',
      array: [1, 2, 3, '…2 more'],
      deep: { a: { b: '[depth limit]' } },
      circular: { name: 'loop', self: '[circular]' },
      twice: [{ x: 1 }, { x: 1 }],
      url: 'https://ex…[11 more chars]',
    });
    expect('undef' in record || 'fn' in record).toBe(false);
  });

  it('never throws: a throwing sink is skipped, a throwing getter becomes a marker', () => {
    const good = memorySink();
    const bad: LogSink = { write: () => { throw new Error('disk on fire'); }, close: () => { throw new Error('x'); } };
    const log = createLogger({ sinks: [bad, good], clock });
    const hostile = { get boom(): never { throw new Error('getter'); } };
    expect(() => log.info('still here', { hostile })).not.toThrow();
    expect(good.records[0]?.['hostile']).toBe('[unserializable]');
    expect(() => log.close()).not.toThrow();
  });

  it('drops the content of a record it cannot redact rather than writing it unmasked', () => {
    const sink = memorySink();
    const redactor = createRedactor({ secrets: () => { throw new Error('vault locked'); } });
    createLogger({ sinks: [sink], clock, redactor }).info('token is hunter2hunter2', { token: 'x' });
    expect(sink.records).toEqual([{ time: '2026-02-03T04:05:06.789Z', level: 'info', msg: '[log record dropped: serialisation or redaction failed]' }]);
  });

  it('redacts msg, bindings and fields before any sink sees them', () => {
    const sink = memorySink();
    const redactor = createRedactor({ secrets: () => ['s3cr3t-gateway-token'] });
    const log = createLogger({ sinks: [sink], clock, redactor }).child({ auth: 's3cr3t-gateway-token' });
    log.info('auth with s3cr3t-gateway-token', { nested: [{ deep: 'x s3cr3t-gateway-token y' }], password: 'pw' });
    expect(sink.records[0]).toMatchObject({ msg: 'auth with [redacted]', auth: '[redacted]', nested: [{ deep: 'x [redacted] y' }], password: '[redacted]' });
  });

  it('flushes and closes its sinks once; records after close are discarded', () => {
    const calls: string[] = [];
    const sink: LogSink = { write: () => calls.push('write'), flush: () => calls.push('flush'), close: () => calls.push('close') };
    const log = createLogger({ sinks: [sink], clock });
    log.info('a');
    log.flush();
    log.close();
    log.close();
    log.info('b');
    expect(calls).toEqual(['write', 'flush', 'close']);
  });

  it('memorySink keeps at most its limit; nullLogger discards everything', () => {
    const sink = memorySink(2);
    const log = createLogger({ sinks: [sink], clock });
    for (const msg of ['1', '2', '3']) log.info(msg);
    expect(sink.records.map((r) => r.msg)).toEqual(['2', '3']);
    expect(() => nullLogger.child({ a: 1 }).error('x')).not.toThrow();
    expect(nullLogger.child({})).toBe(nullLogger);
  });
});
