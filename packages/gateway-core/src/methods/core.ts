import type { Gateway } from '../server/gateway.ts';
import { registerConfigMethods } from './config.ts';
import type { ConfigMethodsDeps } from './config.ts';
import { registerLogMethods } from './logs.ts';
import type { LogMethodsDeps } from './logs.ts';
import { registerModelMethods } from './models.ts';
import { registerAll } from './register-all.ts';
import { registerSessionMethods } from './sessions.ts';
import type { SessionMethodsDeps } from './sessions.ts';

/**
 * What the core methods need: the config file (and how to load it), the session stores,
 * the log location, the version and a clock. Scopes are enforced by the gateway before a
 * handler runs (config.* and sessions.reset/delete need `operator.admin`).
 */
export interface CoreMethodsDeps extends ConfigMethodsDeps, SessionMethodsDeps, LogMethodsDeps {}

/** The methods {@link registerCoreMethods} registers. */
export const CORE_METHODS = Object.freeze([
  'config.get',
  'config.set',
  'config.patch',
  'config.schema',
  'sessions.list',
  'sessions.preview',
  'sessions.reset',
  'sessions.delete',
  'logs.tail',
  'models.list',
  'agents.list',
] as const);

/**
 * Registers the config, sessions, logs, models and agents methods on a gateway. Returns a
 * function that removes them all again; registration is all-or-nothing (a name already
 * taken throws and leaves none of them registered).
 */
export function registerCoreMethods(gateway: Pick<Gateway, 'registerMethod'>, deps: CoreMethodsDeps): () => void {
  return registerAll(gateway, [
    (g) => registerConfigMethods(g, deps),
    (g) => registerSessionMethods(g, deps),
    (g) => registerLogMethods(g, deps),
    (g) => registerModelMethods(g, deps),
  ]);
}
