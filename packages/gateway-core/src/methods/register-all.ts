import type { Gateway } from '../server/gateway.ts';

type Registration = (gateway: Pick<Gateway, 'registerMethod'>) => () => void;

/**
 * Runs registrations all-or-nothing: when one throws (a name already taken), the ones done
 * before it are removed again, so a gateway is never left with half a feature. Returns the
 * function that removes them all.
 */
export function registerAll(gateway: Pick<Gateway, 'registerMethod'>, registrations: readonly Registration[]): () => void {
  const removers: (() => void)[] = [];
  const removeAll = (): void => {
    for (const remove of removers.splice(0).reverse()) remove();
  };
  try {
    for (const register of registrations) removers.push(register(gateway));
  } catch (error) {
    removeAll();
    throw error;
  }
  return removeAll;
}
