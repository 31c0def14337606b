import { StateError } from '../src/errors.ts';

/** Awaits a promise that must reject with a StateError, and returns that error for assertions. */
export async function rejected(promise: Promise<unknown>): Promise<StateError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof StateError) return error;
    throw error;
  }
  throw new Error('expected a StateError');
}
