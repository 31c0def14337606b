import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MethodRegistry } from './registry.ts';
import type { MethodContext } from './registry.ts';
import type { StandardSchemaV1 } from '../validation/standard-schema.ts';
import * as v from '../validation/shape.ts';

const context = {} as MethodContext;

describe('MethodRegistry params validators', () => {
  it('takes a zod schema (a Standard Schema) and hands the handler its output', async () => {
    const registry = new MethodRegistry();
    registry.register('echo', { params: z.object({ text: z.string().trim() }), handler: (params) => params.text });
    await expect(registry.invoke('echo', { text: ' hi ', extra: 1 }, context)).resolves.toBe('hi');
    await expect(registry.invoke('echo', { text: 1 }, context)).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/^invalid params for echo at text: /) });
  });

  it('takes a function that returns the params or throws', async () => {
    const registry = new MethodRegistry();
    const params = (input: unknown): { n: number } => {
      const n = (input as { n?: unknown }).n;
      if (typeof n !== 'number') throw new Error('n must be a number');
      return { n };
    };
    registry.register('double', { params, handler: ({ n }) => n * 2 });
    await expect(registry.invoke('double', { n: 4 }, context)).resolves.toBe(8);
    await expect(registry.invoke('double', undefined, context)).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: 'invalid params for double: n must be a number' });
  });

  it('waits for an asynchronous Standard Schema and reads { key } path segments', async () => {
    const schema: StandardSchemaV1<unknown, string> = {
      '~standard': {
        version: 1,
        vendor: 'test',
        validate: async (value) => (value === 'ok' ? { value: 'checked' } : { issues: [{ message: 'not ok', path: [{ key: 'a' }, 0] }] }),
      },
    };
    const registry = new MethodRegistry();
    registry.register('check', { params: schema, handler: (value) => value });
    await expect(registry.invoke('check', 'ok', context)).resolves.toBe('checked');
    await expect(registry.invoke('check', 'no', context)).rejects.toMatchObject({ message: 'invalid params for check at a.0: not ok' });
  });

  it('passes {} to the validator when a request has no params', async () => {
    const registry = new MethodRegistry();
    registry.register('list', { params: v.object({ limit: v.withDefault(v.int({ min: 1 }), 5) }), handler: (params) => params });
    await expect(registry.invoke('list', undefined, context)).resolves.toEqual({ limit: 5 });
    await expect(registry.invoke('list', { limit: 0 }, context)).rejects.toMatchObject({ message: 'invalid params for list at limit: expected a number >= 1, got number 0' });
  });
});
