/*
 * Method and event authorization (`authorizeGatewayMethod` in `src/gateway/server-methods.ts`
 * and the event guards of `src/gateway/server-broadcast.ts`, 2026.2.3). Checks run in the
 * original's order, so a caller gets the same "missing scope: …" text it would get there.
 */

/** Operator scopes. `operator.admin` allows every operator method. */
export const SCOPES = Object.freeze({
  ADMIN: 'operator.admin',
  READ: 'operator.read',
  WRITE: 'operator.write',
  APPROVALS: 'operator.approvals',
  PAIRING: 'operator.pairing',
} as const);
/** One of {@link SCOPES}. */
export type OperatorScope = (typeof SCOPES)[keyof typeof SCOPES];

/** The only methods role `node` may call, and only role `node` may call them. */
export const NODE_ROLE_METHODS: ReadonlySet<string> = new Set(['node.invoke.result', 'node.event', 'skills.bins']);

/** Need `operator.approvals`. */
export const APPROVAL_METHODS: ReadonlySet<string> = new Set(['exec.approval.request', 'exec.approval.resolve']);

/** Need `operator.pairing`, besides every `node.pair.*` and `device.pair.*` method. */
export const PAIRING_METHODS: ReadonlySet<string> = new Set([
  'node.pair.request',
  'node.pair.list',
  'node.pair.approve',
  'node.pair.reject',
  'node.pair.verify',
  'device.pair.list',
  'device.pair.approve',
  'device.pair.reject',
  'device.token.rotate',
  'device.token.revoke',
  'node.rename',
]);
const PAIRING_PREFIXES = ['node.pair.', 'device.pair.'] as const;

/**
 * Need `operator.read` or `operator.write`. `system-presence` is here on purpose: the
 * 2026.9.6 gateway refused it to its own read-scoped status probe ("missing scope").
 */
export const READ_METHODS: ReadonlySet<string> = new Set([
  'health',
  'logs.tail',
  'channels.status',
  'status',
  'usage.status',
  'usage.cost',
  'tts.status',
  'tts.providers',
  'models.list',
  'agents.list',
  'agent.identity.get',
  'skills.status',
  'voicewake.get',
  'sessions.list',
  'sessions.preview',
  'cron.list',
  'cron.status',
  'cron.runs',
  'system-presence',
  'last-heartbeat',
  'node.list',
  'node.describe',
  'chat.history',
]);

/** Need `operator.write`. */
export const WRITE_METHODS: ReadonlySet<string> = new Set([
  'send',
  'agent',
  'agent.wait',
  'wake',
  'talk.mode',
  'tts.enable',
  'tts.disable',
  'tts.convert',
  'tts.setProvider',
  'voicewake.set',
  'node.invoke',
  'chat.send',
  'chat.abort',
  'browser.request',
]);

/**
 * What calling a method takes: role `node`, or an operator scope. Anything not listed
 * (`config.*`, `wizard.*`, `update.*`, `exec.approvals.*`, `sessions.patch`, plugin methods,
 * unknown methods, …) takes `operator.admin`.
 */
export function requiredPermission(method: string): { role: 'node' } | { scope: OperatorScope } {
  if (NODE_ROLE_METHODS.has(method)) return { role: 'node' };
  if (APPROVAL_METHODS.has(method)) return { scope: SCOPES.APPROVALS };
  if (PAIRING_METHODS.has(method) || PAIRING_PREFIXES.some((prefix) => method.startsWith(prefix))) return { scope: SCOPES.PAIRING };
  if (READ_METHODS.has(method)) return { scope: SCOPES.READ };
  if (WRITE_METHODS.has(method)) return { scope: SCOPES.WRITE };
  return { scope: SCOPES.ADMIN };
}

/** The authenticated identity of a connection, as far as authorization is concerned. */
export interface Principal {
  /** `operator` or `node`; absent means `operator`. */
  readonly role?: string | undefined;
  /** Granted scopes. */
  readonly scopes: readonly string[];
}

/**
 * Result of {@link authorizeMethod}. Refusals are sent as `INVALID_REQUEST` with `message`
 * ("missing scope: operator.write", "unauthorized role: node").
 */
export type MethodAuthorization = { ok: true } | { ok: false; message: string };

/**
 * Whether `principal` may call `method`:
 * - node-only methods need role `node` (even `operator.admin` may not call them);
 * - role `node` may call nothing else; roles other than operator/node nothing at all;
 * - `operator.admin` allows every operator method;
 * - read methods accept `operator.read` or `operator.write`; write, approval and pairing
 *   methods their own scope; everything else needs admin.
 */
export function authorizeMethod(principal: Principal, method: string): MethodAuthorization {
  const role = principal.role ?? 'operator';
  const needed = requiredPermission(method);
  if ('role' in needed) return role === needed.role ? { ok: true } : { ok: false, message: `unauthorized role: ${role}` };
  if (role !== 'operator') return { ok: false, message: `unauthorized role: ${role}` };
  const scopes = principal.scopes;
  if (scopes.includes(SCOPES.ADMIN)) return { ok: true };
  const granted = scopes.includes(needed.scope) || (needed.scope === SCOPES.READ && scopes.includes(SCOPES.WRITE));
  return granted ? { ok: true } : { ok: false, message: `missing scope: ${needed.scope}` };
}

/** Scope a broadcast event needs, when it needs one (`EVENT_SCOPE_GUARDS` in the original). */
export function eventRequiredScope(event: string): OperatorScope | undefined {
  if (event.startsWith('exec.approval.')) return SCOPES.APPROVALS;
  if (event.startsWith('device.pair.') || event.startsWith('node.pair.')) return SCOPES.PAIRING;
  return undefined;
}

/**
 * Whether a connection should receive `event`. Unguarded events go to everyone; guarded ones
 * (approvals, pairing) only to operators holding that scope or `operator.admin`.
 */
export function eventAllowed(principal: Principal, event: string): boolean {
  const needed = eventRequiredScope(event);
  if (needed === undefined) return true;
  if ((principal.role ?? 'operator') !== 'operator') return false;
  return principal.scopes.includes(SCOPES.ADMIN) || principal.scopes.includes(needed);
}
