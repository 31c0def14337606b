import type { TranscriptEntry } from '@openclaw/state';
import { describe, expect, it } from 'vitest';
import { messageText, toChatMessages, withUserMessage } from './history.ts';
import { resetTrigger } from './runtime.ts';
import { SessionQueue } from './session-queue.ts';

const entry = (role: string, content: unknown): TranscriptEntry => ({ type: 'message', id: 'x', parentId: null, timestamp: '', message: { role, content } });

describe('history', () => {
  it('reads string and part contents, skips tool results and empty text', () => {
    expect(messageText({ role: 'assistant', content: [{ type: 'text', text: 'a' }, { type: 'thinking', thinking: 'no' }, { type: 'text', text: 'b' }] })).toBe('ab');
    const messages = toChatMessages([entry('user', 'hi'), entry('toolResult', 'x'), entry('assistant', [{ type: 'text', text: 'hello' }]), entry('assistant', '  ')]);
    expect(messages).toEqual([
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'hello' },
    ]);
  });
  it('merges consecutive turns of one role and starts with a user turn', () => {
    expect(toChatMessages([entry('assistant', 'orphan'), entry('user', 'a'), entry('user', 'b'), entry('assistant', 'c')])).toEqual([
      { role: 'user', content: 'a\n\nb' },
      { role: 'assistant', content: 'c' },
    ]);
    expect(withUserMessage([{ role: 'user', content: 'a' }], 'b')).toEqual([{ role: 'user', content: 'a\n\nb' }]);
    expect(withUserMessage([{ role: 'assistant', content: 'a' }], 'b').at(-1)).toEqual({ role: 'user', content: 'b' });
  });
  it('keeps the newest messages within the character budget', () => {
    const entries = Array.from({ length: 10 }, (_, i) => entry(i % 2 === 0 ? 'user' : 'assistant', `${i}`.repeat(10)));
    const kept = toChatMessages(entries, { maxChars: 35 });
    // The last three fit (30 characters); the oldest of them is an assistant turn and goes too.
    expect(kept).toEqual([
      { role: 'user', content: '8'.repeat(10) },
      { role: 'assistant', content: '9'.repeat(10) },
    ]);
  });
});

describe('resetTrigger', () => {
  it('recognises /new and /reset alone or before a first message', () => {
    const triggers = ['/new', '/reset'];
    expect(resetTrigger('/new', triggers)).toBe('');
    expect(resetTrigger('  /RESET ', triggers)).toBe('');
    expect(resetTrigger('/new what is 2+2?', triggers)).toBe('what is 2+2?');
    expect(resetTrigger('/newer', triggers)).toBeUndefined();
    expect(resetTrigger('tell me about /new', triggers)).toBeUndefined();
  });
});

describe('SessionQueue', () => {
  it('runs tasks of one key in order, keys in parallel, and survives failures', async () => {
    const queue = new SessionQueue<number>({ maxQueued: 10 });
    const order: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const a1 = queue.enqueue('a', async () => {
      await gate;
      order.push('a1');
      throw new Error('boom');
    });
    const a2 = queue.enqueue('a', () => {
      order.push('a2');
      return 2;
    });
    const b1 = queue.enqueue('b', () => {
      order.push('b1');
      return 1;
    });
    expect(await b1).toBe(1);
    expect(queue.size('a')).toBe(2);
    release();
    await expect(a1).rejects.toThrow('boom');
    expect(await a2).toBe(2);
    expect(order).toEqual(['b1', 'a1', 'a2']);
    expect(queue.size('a')).toBe(0);
  });
  it('refuses more than maxQueued waiting tasks', async () => {
    const queue = new SessionQueue<void>({ maxQueued: 1 });
    const never = new Promise<void>(() => undefined);
    void queue.enqueue('k', () => never);
    void queue.enqueue('k', () => undefined);
    await expect(queue.enqueue('k', () => undefined)).rejects.toMatchObject({ code: 'QUEUE_FULL' });
  });
});
