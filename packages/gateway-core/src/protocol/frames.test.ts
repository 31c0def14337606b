import { describe, expect, it } from 'vitest';
import { GatewayFrameSchema, errorResponse, eventFrame, okResponse, parseClientFrame } from './frames.ts';

describe('parseClientFrame', () => {
  it('accepts a request frame, with or without params', () => {
    expect(parseClientFrame('{"type":"req","id":"1","method":"health","params":{"probe":true}}')).toEqual({
      ok: true,
      frame: { type: 'req', id: '1', method: 'health', params: { probe: true } },
    });
    expect(parseClientFrame('{"type":"req","id":"2","method":"status"}')).toEqual({ ok: true, frame: { type: 'req', id: '2', method: 'status' } });
  });

  it('refuses text that is not JSON', () => {
    expect(parseClientFrame('{"type":"req",')).toEqual({ ok: false, reason: 'not-json', message: 'frame is not valid JSON' });
    expect(parseClientFrame('')).toMatchObject({ ok: false, reason: 'not-json' });
  });

  it('refuses JSON that is not an object', () => {
    expect(parseClientFrame('[{"type":"req","id":"1","method":"health"}]')).toEqual({
      ok: false,
      reason: 'not-a-frame',
      message: 'expected a JSON object, got an array',
    });
    expect(parseClientFrame('null')).toMatchObject({ ok: false, reason: 'not-a-frame', message: 'expected a JSON object, got null' });
    expect(parseClientFrame('42')).toMatchObject({ ok: false, reason: 'not-a-frame', message: 'expected a JSON object, got number 42' });
  });

  it('refuses frames of another or no type, keeping the id for the answer', () => {
    expect(parseClientFrame('{"type":"rpc","id":"7","method":"health"}')).toEqual({
      ok: false,
      reason: 'not-a-frame',
      id: '7',
      message: 'unexpected frame type: string "rpc" (clients send "req")',
    });
    // A client never sends responses or events.
    expect(parseClientFrame('{"type":"res","id":"8","ok":true}')).toMatchObject({ ok: false, reason: 'not-a-frame', id: '8' });
    expect(parseClientFrame('{"id":"9","method":"health"}')).toEqual({
      ok: false,
      reason: 'not-a-frame',
      id: '9',
      message: 'frame has no type (clients send type "req")',
    });
  });

  it('refuses a request without an id, and has no id to answer to', () => {
    const result = parseClientFrame('{"type":"req","method":"health"}');
    expect(result).toEqual({ ok: false, reason: 'invalid-request', message: 'at /id: required (a string)' });
    expect(parseClientFrame('{"type":"req","id":5,"method":"health"}')).toEqual({
      ok: false,
      reason: 'invalid-request',
      message: 'at /id: expected a string, got number 5',
    });
  });

  it('refuses an empty id or method, keeping a string id', () => {
    expect(parseClientFrame('{"type":"req","id":"3","method":""}')).toEqual({
      ok: false,
      reason: 'invalid-request',
      id: '3',
      message: 'at /method: expected a non-empty string',
    });
    expect(parseClientFrame('{"type":"req","id":"","method":"health"}')).toMatchObject({
      ok: false,
      reason: 'invalid-request',
      id: '',
      message: 'at /id: expected a non-empty string',
    });
    expect(parseClientFrame('{"type":"req","id":"4"}')).toMatchObject({ id: '4', message: 'at /method: required (a string)' });
  });

  it('lists every problem', () => {
    expect(parseClientFrame('{"type":"req","id":"","method":7}')).toMatchObject({
      message: 'at /id: expected a non-empty string; at /method: expected a string, got number 7',
    });
  });

  it('drops unknown top-level keys instead of refusing the frame (lenient envelope)', () => {
    // The original (additionalProperties:false) refuses this; a future client adding a key
    // would be locked out for nothing, so we ignore the key.
    expect(parseClientFrame('{"type":"req","id":"1","method":"health","traceId":"abc"}')).toEqual({
      ok: true,
      frame: { type: 'req', id: '1', method: 'health' },
    });
  });

  it('does not let a __proto__ key change the frame', () => {
    const result = parseClientFrame('{"type":"req","id":"1","method":"health","__proto__":{"method":"config.set"}}');
    expect(result).toEqual({ ok: true, frame: { type: 'req', id: '1', method: 'health' } });
    expect(({} as Record<string, unknown>).method).toBeUndefined();
  });

  it('never echoes long values into messages', () => {
    const secret = 'x'.repeat(200);
    const result = parseClientFrame(JSON.stringify({ type: 'req', id: '1', method: ['a', secret] }));
    expect(result).toMatchObject({ message: 'at /method: expected a string, got an array' });
    expect(parseClientFrame(JSON.stringify({ type: secret }))).toMatchObject({ message: 'unexpected frame type: a string (clients send "req")' });
  });
});

describe('frame builders', () => {
  it('builds responses and events that the frame schema accepts', () => {
    const frames = [
      okResponse('1', { ok: true }),
      okResponse('2'),
      errorResponse('3', { code: 'INVALID_REQUEST', message: 'unknown method: nope' }),
      eventFrame('tick', { ts: 1 }, 0),
      eventFrame('presence', { presence: [] }, 5, { presence: 2, health: 1 }),
      eventFrame('connect.challenge', { nonce: 'n', ts: 1 }),
    ];
    for (const frame of frames) expect(GatewayFrameSchema['~standard'].validate(frame)).toEqual({ value: frame });
    expect(GatewayFrameSchema['~standard'].validate({ type: 'res', id: '1' })).toEqual({ issues: [expect.objectContaining({ path: ['ok'], message: 'required (a boolean)' })] });
    expect(GatewayFrameSchema['~standard'].validate({ type: 'ping' })).toEqual({ issues: [expect.objectContaining({ path: ['type'] })] });
    expect(okResponse('2')).toEqual({ type: 'res', id: '2', ok: true });
    expect(eventFrame('connect.challenge', { nonce: 'n', ts: 1 })).toEqual({ type: 'event', event: 'connect.challenge', payload: { nonce: 'n', ts: 1 } });
    expect(JSON.parse(JSON.stringify(eventFrame('tick', { ts: 1 }, 3)))).toEqual({ type: 'event', event: 'tick', payload: { ts: 1 }, seq: 3 });
  });
});
