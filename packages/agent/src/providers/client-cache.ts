/**
 * SDK clients by endpoint and key, so that runs reuse one client (and its keep-alive
 * connections) instead of building one per turn. Small and bounded: a key rotation leaves
 * at most a few stale clients behind.
 */
export class ClientCache<T> {
  readonly #clients = new Map<string, Promise<T>>();
  readonly #max: number;

  constructor(max = 8) {
    this.#max = max;
  }

  get(parts: readonly (string | undefined)[], create: () => Promise<T>): Promise<T> {
    const key = JSON.stringify(parts);
    let client = this.#clients.get(key);
    if (client) {
      // Most recently used last.
      this.#clients.delete(key);
    } else {
      client = create();
      client.catch(() => this.#clients.delete(key));
    }
    this.#clients.set(key, client);
    while (this.#clients.size > this.#max) this.#clients.delete(this.#clients.keys().next().value as string);
    return client;
  }
}
