import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ensurePrivateDir } from '@openclaw/config';
import { StateError } from './errors.ts';
import { createExclusive } from './fs-lock.ts';
import { ownerStatus, processStartTime } from './process-info.ts';

// One gateway per state dir. Unlike the original (a lock per config path under
// os.tmpdir()), the lock lives in the state dir: two configs sharing one state dir would
// share sessions and credentials too, which is exactly what the lock must prevent, and
// the state dir survives reboots, so a crash's leftover is judged (and taken over) by the
// pid, start time and boot id it records instead of disappearing or locking people out.

/** The lock's file name inside the state dir. */
export const GATEWAY_LOCK_FILE = 'gateway.lock';

/** What a gateway records in its lock file (JSON, one line, mode 0600). */
export interface GatewayLockInfo {
  pid: number;
  /** Start time of `pid` (/proc/<pid>/stat field 22), so a recycled PID is not taken for the gateway. */
  startTime?: number | undefined;
  /** /proc/sys/kernel/random/boot_id: a lock from an earlier boot is dead whatever its pid now is. */
  bootId?: string | undefined;
  port: number;
  configPath: string;
  version: string;
  /** The supervisor unit the gateway runs under (e.g. `openclaw-gateway.service`), if any. */
  service?: string | undefined;
  createdAt: string;
}

/**
 * A lock as read back from disk: only `pid` is required to judge it, since the file may
 * have been written by another version; the rest is reported when present.
 */
export type GatewayLockOwner = Pick<GatewayLockInfo, 'pid'> & Partial<Omit<GatewayLockInfo, 'pid'>>;

/** Why a lock is stale: its owner died (or belonged to an earlier boot), its PID was reused, or the file is damaged. */
export type GatewayLockStaleReason = 'dead' | 'recycled' | 'unreadable';

/** The stale lock an acquisition replaced. */
export type GatewayLockTakeover =
  | (GatewayLockOwner & { reason: 'dead' | 'recycled' })
  | { reason: 'unreadable'; pid?: undefined; /** Age of the damaged file (by mtime) when it was replaced. */ ageMs: number };

/** What {@link readGatewayLock} finds. */
export type GatewayLockStatus =
  | { state: 'none'; file: string }
  | { state: 'held'; file: string; info: GatewayLockOwner }
  | { state: 'stale'; file: string; info: GatewayLockOwner; reason: 'dead' | 'recycled' }
  | { state: 'stale'; file: string; info: undefined; reason: 'unreadable' };

/** Who is starting the gateway; recorded in the lock for `openclaw status` and for the "already running" error. */
export interface GatewayLockRequest {
  stateDir: string;
  port: number;
  configPath: string;
  version: string;
  /** Set when running under a supervisor, so a second start is told to use `openclaw gateway stop`. */
  service?: string | undefined;
}

/** Options of {@link acquireGatewayLock}. */
export interface GatewayLockOptions {
  /** Remove the lock when the process exits normally (a sync `process.once('exit')` hook). Default true. */
  releaseOnExit?: boolean;
  /**
   * On SIGTERM/SIGINT, release the lock, then let the signal do what it would have done
   * without us: if no other listener handles it, it is re-raised with the default
   * disposition (the process dies by that signal). Default false: a library does not
   * change a host's signal behaviour unless asked; the CLI turns it on.
   */
  handleSignals?: boolean;
  /** How long to wait for a live owner to exit before refusing (default 0: refuse at once). */
  waitMs?: number;
  /**
   * A lock file that cannot be parsed is stale once its mtime is this old (default 5 s).
   * Our own locks are never half-written (they are hard-linked into place complete), so
   * this only delays replacing a damaged file or one a foreign writer is still writing.
   */
  unreadableStaleMs?: number;
  /** Poll interval while waiting (default 50 ms). */
  pollMs?: number;
  /** How long another process may hold the takeover claim before we give up (default 3 s). */
  claimTimeoutMs?: number;
}

/** Defaults of {@link GatewayLockOptions}. */
export const GATEWAY_LOCK_DEFAULTS: Readonly<Required<GatewayLockOptions>> = Object.freeze({
  releaseOnExit: true,
  handleSignals: false,
  waitMs: 0,
  unreadableStaleMs: 5_000,
  pollMs: 50,
  claimTimeoutMs: 3_000,
});

/** A held gateway lock. `using lock = await acquireGatewayLock(…)` releases it at scope exit. */
export interface GatewayLockHandle extends Disposable {
  /** The lock file. */
  readonly file: string;
  /** What this process wrote into it. */
  readonly info: GatewayLockInfo;
  /** The stale lock this acquisition replaced, for the caller to log; undefined if there was none. */
  readonly tookOverFrom: GatewayLockTakeover | undefined;
  /** True once {@link GatewayLockHandle.release} has run. */
  readonly released: boolean;
  /**
   * Removes the lock file if it is still ours (same content, hence same pid and start
   * time) and never someone else's; removes the exit and signal hooks. Idempotent.
   * Throws STATE_IO if the file cannot be removed; the lock then names a dead process
   * once this one exits and the next start takes it over.
   */
  release(): void;
}

/** The path of the gateway lock of a state dir. */
export function gatewayLockPath(stateDir: string): string {
  return join(stateDir, GATEWAY_LOCK_FILE);
}

let bootIdCache: string | null | undefined;

/** This boot's id, or undefined where /proc does not say. */
function currentBootId(): string | undefined {
  if (bootIdCache === undefined) {
    try {
      bootIdCache = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
    } catch {
      bootIdCache = null;
    }
  }
  return bootIdCache ?? undefined;
}

function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function ioError(action: string, file: string, error: unknown): StateError {
  const errno = errnoOf(error);
  const detail = error instanceof Error ? error.message : String(error);
  let hint: string;
  switch (errno) {
    case 'EACCES':
    case 'EPERM':
      hint = `make sure ${file} and its directory belong to the user running openclaw (uid ${process.getuid?.() ?? '?'})`;
      break;
    case 'EROFS':
      hint = 'the state dir is on a read-only file system; point OPENCLAW_STATE_DIR at a writable directory';
      break;
    case 'ENOSPC':
    case 'EDQUOT':
      hint = 'the disk (or your quota) is full; free some space and try again';
      break;
    case 'ENOTDIR':
    case 'EISDIR':
      hint = `something in the way is not a regular file or directory; move ${file} (or the file in its path) aside`;
      break;
    default:
      hint = `check that the state dir holding ${file} exists and is writable`;
  }
  return new StateError('STATE_IO', `cannot ${action} ${file}: ${detail}`, { file, hint, cause: error });
}

type Inspection =
  | { state: 'none' }
  | { state: 'held'; owner: GatewayLockOwner }
  | { state: 'stale'; owner: GatewayLockOwner; reason: 'dead' | 'recycled' }
  | { state: 'stale'; owner: undefined; reason: 'unreadable'; ageMs: number };

const optionalNumber = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const optionalString = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** Parses a lock (or claim) file; undefined if it is not one we can judge. */
function parseOwner(text: string): GatewayLockOwner | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.pid !== 'number' || !Number.isInteger(record.pid) || record.pid <= 0) return undefined;
  const owner: GatewayLockOwner = { pid: record.pid };
  // Copy only well-typed fields, so what status prints is what the types promise.
  const fields: Partial<GatewayLockInfo> = {
    startTime: optionalNumber(record.startTime),
    bootId: optionalString(record.bootId),
    port: optionalNumber(record.port),
    configPath: optionalString(record.configPath),
    version: optionalString(record.version),
    service: optionalString(record.service),
    createdAt: optionalString(record.createdAt),
  };
  for (const [key, field] of Object.entries(fields)) if (field !== undefined) Object.assign(owner, { [key]: field });
  return owner;
}

/** Whether the process a lock names still runs: a different boot id means it died with that boot. */
function judge(owner: GatewayLockOwner): 'alive' | 'dead' | 'recycled' {
  const bootId = currentBootId();
  if (owner.bootId !== undefined && bootId !== undefined && owner.bootId !== bootId) return 'dead';
  // ownerStatus counts an unreaped zombie as dead (see process-info.ts).
  return ownerStatus(owner.pid, owner.startTime);
}

/** Reads and judges a lock or claim file, without changing anything. */
function inspect(file: string): Inspection {
  let text: string;
  let mtimeMs: number;
  try {
    text = readFileSync(file, 'utf8');
    mtimeMs = statSync(file).mtimeMs;
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return { state: 'none' };
    throw ioError('read', file, error);
  }
  const owner = parseOwner(text);
  if (owner === undefined) return { state: 'stale', owner: undefined, reason: 'unreadable', ageMs: Date.now() - mtimeMs };
  const status = judge(owner);
  return status === 'alive' ? { state: 'held', owner } : { state: 'stale', owner, reason: status };
}

/**
 * Stale enough to remove: an unreadable file only once it is old. A file as far in the
 * future counts as old too, or a clock stepped back would keep a damaged lock for hours;
 * a slightly negative age is normal (mtime has sub-millisecond precision, Date.now() not).
 */
function removable(seen: Inspection, unreadableStaleMs: number): boolean {
  return seen.state === 'stale' && (seen.reason !== 'unreadable' || Math.abs(seen.ageMs) >= unreadableStaleMs);
}

function create(file: string, content: string): boolean {
  try {
    return createExclusive(file, content);
  } catch (error) {
    throw ioError('create', file, error);
  }
}

/**
 * Atomically puts `content` in place of whatever `file` is now. Only for replacing a
 * stale lock under its claim: unlike unlink-then-create, the path never stands empty, so
 * no other starting gateway can slip in between and the takeover is reported by the
 * process that actually got the lock.
 */
function replace(file: string, content: string): void {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(tmp, content, { mode: 0o600, flag: 'wx' });
    renameSync(tmp, file);
  } catch (error) {
    try {
      unlinkSync(tmp);
    } catch {
      // Not created, or already renamed.
    }
    throw ioError('replace', file, error);
  }
}

function unlinkIfPresent(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT') throw ioError('remove', file, error);
  }
}

function selfOwner(): GatewayLockOwner {
  return { pid: process.pid, startTime: processStartTime(process.pid), bootId: currentBootId(), createdAt: new Date().toISOString() };
}

const BUSY: unique symbol = Symbol('busy');
// Each level exists only because a process died inside the previous level's few
// microseconds, so a handful of levels is already beyond anything real.
const MAX_CLAIM_DEPTH = 4;

/**
 * Runs `fn` holding the claim on `path`: the exclusively created `<path>.break`. Only the
 * claim holder may replace or delete a stale `path`, and it re-reads `path` under the
 * claim before doing so. Nobody else can change `path` meanwhile (its owner is dead,
 * other breakers need the claim, plain creators fail while it exists), so what it judged
 * stale is what it replaces: two racers can never each replace the other's fresh lock. A
 * claim left by a process that died inside `fn` would block takeovers forever, so a dead
 * claim is itself removed under `<path>.break.break`, by the same rule. Returns BUSY
 * while a live process holds the claim. Synchronous, so a claim is held for
 * microseconds and never across an await.
 */
function underClaim<T>(path: string, unreadableStaleMs: number, fn: () => T, depth = 0): T | typeof BUSY {
  const claim = `${path}.break`;
  const mine = `${JSON.stringify(selfOwner())}\n`;
  let created = create(claim, mine);
  if (!created && depth < MAX_CLAIM_DEPTH) {
    const cleared = underClaim(
      claim,
      unreadableStaleMs,
      () => {
        const seen = inspect(claim);
        if (seen.state === 'none') return true;
        if (!removable(seen, unreadableStaleMs)) return false;
        unlinkIfPresent(claim);
        return true;
      },
      depth + 1,
    );
    if (cleared === true) created = create(claim, mine);
  }
  if (!created) return BUSY;
  try {
    return fn();
  } finally {
    unlinkIfPresent(claim);
  }
}

function takeoverOf(seen: Inspection): GatewayLockTakeover | undefined {
  if (seen.state !== 'stale') return undefined;
  return seen.reason === 'unreadable' ? { reason: 'unreadable', ageMs: seen.ageMs } : { ...seen.owner, reason: seen.reason };
}

function runningError(stateDir: string, file: string, owner: GatewayLockOwner): StateError {
  const where = owner.port === undefined ? `pid ${owner.pid}` : `pid ${owner.pid}, port ${owner.port}`;
  const hint =
    owner.service !== undefined
      ? `it runs as the service ${owner.service}: stop it with \`openclaw gateway stop\`, or restart it with \`openclaw gateway restart\``
      : `it was not started as a service: stop it with \`kill ${owner.pid}\` (or Ctrl-C in its terminal), then start again`;
  return new StateError('GATEWAY_RUNNING', `gateway already running (${where}) for ${stateDir}`, { file, hint });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Takes the gateway lock of `request.stateDir`: `<stateDir>/gateway.lock`, created
 * exclusively and complete (mode 0600), recording this process's pid, start time and boot
 * id with the port, config path and version.
 *
 * If a lock exists: a live owner's → `StateError('GATEWAY_RUNNING')` naming its pid and
 * port (after waiting up to `waitMs` for it to exit). A dead owner's, a recycled PID's
 * (alive, but a different start time), an earlier boot's, or a damaged file older than
 * `unreadableStaleMs` is replaced, race-safely against other starting gateways, and the
 * replacement is reported as `tookOverFrom` on the handle for the caller to log.
 * I/O failures are `StateError('STATE_IO')` naming the file.
 */
export async function acquireGatewayLock(request: GatewayLockRequest, options: GatewayLockOptions = {}): Promise<GatewayLockHandle> {
  const settings = { ...GATEWAY_LOCK_DEFAULTS, ...options };
  const file = gatewayLockPath(request.stateDir);
  try {
    ensurePrivateDir(request.stateDir);
  } catch (error) {
    throw ioError('create the state dir', request.stateDir, error);
  }
  const self = selfOwner();
  const info: GatewayLockInfo = {
    pid: self.pid,
    startTime: self.startTime,
    bootId: self.bootId,
    port: request.port,
    configPath: request.configPath,
    version: request.version,
    service: request.service,
    createdAt: new Date().toISOString(),
  };
  const content = `${JSON.stringify(info)}\n`;
  const waitUntil = Date.now() + settings.waitMs;
  let busySince: number | undefined;
  for (;;) {
    if (create(file, content)) return holdLock(file, info, content, undefined, settings);
    const seen = inspect(file);
    if (seen.state === 'none') continue; // released between our attempt and our look: try again
    if (seen.state === 'held') {
      if (Date.now() < waitUntil) {
        await sleep(settings.pollMs);
        continue;
      }
      throw runningError(request.stateDir, file, seen.owner);
    }
    if (!removable(seen, settings.unreadableStaleMs)) {
      await sleep(settings.pollMs); // damaged but young: give a foreign writer time to finish
      continue;
    }
    const outcome = underClaim(file, settings.unreadableStaleMs, () => {
      const now = inspect(file);
      if (!removable(now, settings.unreadableStaleMs)) return undefined; // changed meanwhile: look again
      replace(file, content);
      return takeoverOf(now);
    });
    if (outcome === BUSY) {
      busySince ??= Date.now();
      if (Date.now() - busySince >= settings.claimTimeoutMs) {
        const claimant = inspect(`${file}.break`);
        const who = claimant.state === 'held' ? `pid ${claimant.owner.pid}` : 'another process';
        throw new StateError('GATEWAY_RUNNING', `another gateway (${who}) is taking over the stale lock of ${request.stateDir}`, {
          file,
          hint: `wait a moment and check \`openclaw gateway status\`; if ${who} is stuck, stop it`,
        });
      }
      await sleep(settings.pollMs);
      continue;
    }
    busySince = undefined;
    if (outcome !== undefined) return holdLock(file, info, content, outcome, settings);
  }
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

function holdLock(file: string, info: GatewayLockInfo, content: string, tookOverFrom: GatewayLockTakeover | undefined, settings: Required<GatewayLockOptions>): GatewayLockHandle {
  let released = false;
  const onExit = () => {
    try {
      release();
    } catch {
      // Exiting anyway: the file names a dead process now and is taken over next start.
    }
  };
  const onSignal = (signal: NodeJS.Signals) => {
    onExit();
    // Without us the signal would have killed the process unless someone else listens;
    // keep it that way: re-raise only if no other listener handles it.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', onExit);
    for (const signal of SIGNALS) process.off(signal, onSignal);
    removeIfOurs(file, content);
  };
  if (settings.releaseOnExit) process.once('exit', onExit);
  if (settings.handleSignals) for (const signal of SIGNALS) process.once(signal, onSignal);
  return {
    file,
    info,
    tookOverFrom,
    get released() {
      return released;
    },
    release,
    [Symbol.dispose]: release,
  };
}

/** Deletes the lock only if it still holds exactly what we wrote. */
function removeIfOurs(file: string, content: string): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return;
    throw ioError('read', file, error);
  }
  // Nobody replaces a live owner's lock, so what we read is still there when we unlink.
  if (text === content) unlinkIfPresent(file);
}

/**
 * The gateway lock of a state dir as `openclaw status` shows it, without changing
 * anything: none, held by a live gateway, or stale (its owner died, its PID was reused,
 * or the file is damaged; the next start replaces it).
 */
export function readGatewayLock(stateDir: string): GatewayLockStatus {
  const file = gatewayLockPath(stateDir);
  const seen = inspect(file);
  switch (seen.state) {
    case 'none':
      return { state: 'none', file };
    case 'held':
      return { state: 'held', file, info: seen.owner };
    default:
      return seen.reason === 'unreadable' ? { state: 'stale', file, info: undefined, reason: 'unreadable' } : { state: 'stale', file, info: seen.owner, reason: seen.reason };
  }
}
