import { readFileSync } from 'node:fs';

/**
 * The start time of a process (field 22 of `/proc/<pid>/stat`, in clock ticks since boot),
 * or undefined where /proc is not available. A PID is reused after its process dies; the
 * pair (pid, start time) is not, so it tells a live owner from an unrelated process.
 */
export function processStartTime(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may itself contain spaces or ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const value = Number(fields[19]);
  return Number.isFinite(value) ? value : undefined;
}

/** True while a process with this PID exists (signal 0 probes without signalling). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True if `pid` has exited and only waits to be reaped: signal 0 still reaches a zombie,
 * and where nothing reaps (a container whose PID 1 is a plain shell) it stays one forever.
 */
export function isZombie(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  const state = stat.charAt(stat.lastIndexOf(')') + 2); // field 3, after "pid (comm) "
  return state === 'Z' || state === 'X';
}

/** What is known about the process that wrote a lock. */
export type OwnerStatus = 'alive' | 'dead' | 'recycled';

/**
 * Whether the process that recorded (pid, startTime) still runs. `recycled` means the PID
 * now belongs to another process. Without /proc, a live PID counts as alive.
 */
export function ownerStatus(pid: number, startTime: number | undefined): OwnerStatus {
  if (!isProcessAlive(pid) || isZombie(pid)) return 'dead';
  if (startTime === undefined) return 'alive';
  const current = processStartTime(pid);
  return current === undefined || current === startTime ? 'alive' : 'recycled';
}
