// Public API of @openclaw/supervisor. Everything not exported here is internal.

export { SupervisorError } from './errors.ts';
export type { SupervisorErrorCode, SupervisorErrorOptions } from './errors.ts';

export {
  DEFAULT_HEAP_MB,
  LAUNCHD_PATH,
  MAX_HEAP_MB,
  MIN_HEAP_MB,
  SERVICE_PATH,
  heapSizeMb,
  unitFileName,
  unitPath,
} from './service.ts';
export type { ServiceInput } from './service.ts';

export { EXIT_CONFIG, START_LIMIT, TIMEOUT_STOP_SEC, USER_UNIT_HARDENING, parseSystemdUnit, renderSystemdUnit } from './systemd-unit.ts';
export type { ParsedSystemdUnit, SystemdUnitInput } from './systemd-unit.ts';

export { escapeXml, launchdLabel, launchdPlistPath, renderLaunchdPlist } from './launchd-plist.ts';
export type { LaunchdPlistInput } from './launchd-plist.ts';

export { STABLE_NODE_PATHS, detectVersionManagerNode } from './node-path.ts';
export type { VersionManager, VersionManagerNode } from './node-path.ts';

export { EXEC_DEFAULTS, createExecFile } from './exec.ts';
export type { Exec, ExecOptions, ExecResult } from './exec.ts';

export { FOREGROUND_HINT, classifyFailure } from './classify.ts';
export type { FailureContext } from './classify.ts';

export { SHOW_PROPERTIES, SYSTEMD_RUNNER_DEFAULTS, createSystemdRunner, parseShow } from './runner.ts';
export type { SystemdRunner, SystemdRunnerOptions, UnitStatus } from './runner.ts';
