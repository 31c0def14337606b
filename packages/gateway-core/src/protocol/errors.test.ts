import { describe, expect, it } from 'vitest';
import { ERROR_CODES, GatewayProtocolError, errorShape, isGatewayProtocolError, rateLimitedError, toErrorShape } from './errors.ts';

describe('protocol errors', () => {
  it('has exactly the original five wire codes, frozen', () => {
    expect(Object.values(ERROR_CODES).sort()).toEqual(['AGENT_TIMEOUT', 'INVALID_REQUEST', 'NOT_LINKED', 'NOT_PAIRED', 'UNAVAILABLE']);
    expect(Object.isFrozen(ERROR_CODES)).toBe(true);
  });

  it('turns a GatewayProtocolError into its wire shape, leaving out unset fields', () => {
    const error = new GatewayProtocolError(ERROR_CODES.NOT_PAIRED, 'pairing required', { details: { requestId: 'r1' } });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('GatewayProtocolError');
    expect(error.toShape()).toEqual({ code: 'NOT_PAIRED', message: 'pairing required', details: { requestId: 'r1' } });
    expect(isGatewayProtocolError(error)).toBe(true);
    expect(isGatewayProtocolError(new Error('x'))).toBe(false);
  });

  it('answers other thrown values with UNAVAILABLE and their message, as the original', () => {
    expect(toErrorShape(new Error('disk full'))).toEqual({ code: 'UNAVAILABLE', message: 'disk full' });
    expect(toErrorShape('boom')).toEqual({ code: 'UNAVAILABLE', message: 'boom' });
    expect(toErrorShape(new Error(''))).toEqual({ code: 'UNAVAILABLE', message: 'request failed' });
    expect(toErrorShape(new GatewayProtocolError('AGENT_TIMEOUT', 'agent timed out'))).toEqual({ code: 'AGENT_TIMEOUT', message: 'agent timed out' });
  });

  it('marks rate limiting as a retryable INVALID_REQUEST with a whole number of ms', () => {
    expect(rateLimitedError(1500.2).toShape()).toEqual({
      code: 'INVALID_REQUEST',
      message: 'unauthorized: too many failed authentication attempts (retry later)',
      retryable: true,
      retryAfterMs: 1501,
    });
    expect(errorShape('UNAVAILABLE', 'x', { retryAfterMs: -5 })).toEqual({ code: 'UNAVAILABLE', message: 'x', retryAfterMs: 0 });
  });
});
