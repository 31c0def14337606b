import { AgentError } from './errors.ts';

/**
 * Serialises work per key: a task starts when every earlier task of its key has settled.
 * Keys are independent of each other.
 */
export class SessionQueue<T> {
  readonly #tails = new Map<string, { tail: Promise<unknown>; size: number }>();
  readonly #maxQueued: number;

  constructor(options: { maxQueued: number }) {
    this.#maxQueued = options.maxQueued;
  }

  /** Tasks waiting or running for `key`. */
  size(key: string): number {
    return this.#tails.get(key)?.size ?? 0;
  }

  /** Runs `task` after the earlier tasks of `key`; rejects with QUEUE_FULL when too many wait. */
  enqueue(key: string, task: () => Promise<T> | T): Promise<T> {
    const lane = this.#tails.get(key) ?? { tail: Promise.resolve(), size: 0 };
    if (lane.size - 1 >= this.#maxQueued) {
      return Promise.reject(new AgentError('QUEUE_FULL', `${lane.size} messages are already waiting for session ${key}`, { hint: 'wait for the agent to answer, or send /stop' }));
    }
    lane.size += 1;
    const run = lane.tail.then(task, task);
    lane.tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, lane);
    const settle = () => {
      lane.size -= 1;
      if (lane.size === 0 && this.#tails.get(key) === lane) this.#tails.delete(key);
    };
    run.then(settle, settle);
    return run;
  }
}
