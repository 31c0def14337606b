// Gateway methods that need more than the gateway itself knows; the CLI registers them.
export { buildStatus, registerStatusMethod } from './status.ts';
export type {
  ChannelStatusSummary,
  GatewayLockSummary,
  GatewayStatus,
  RecentSessionSummary,
  SessionsSummary,
  StatusGateway,
  StatusMethodDeps,
} from './status.ts';
export { CORE_METHODS, registerCoreMethods } from './core.ts';
export type { CoreMethodsDeps } from './core.ts';
export { patchConfigText, readConfigSnapshot, registerConfigMethods, setConfigText } from './config.ts';
export type { ConfigMethodsDeps, ConfigPatchParams, ConfigSetParams, ConfigSnapshot, ConfigSource, ConfigWritten } from './config.ts';
export { deleteSession, listSessions, previewSessions, registerSessionMethods, resetSession } from './sessions.ts';
export type { SessionMethodsDeps, SessionPreview, SessionRow, SessionsListParams, SessionsPreviewParams } from './sessions.ts';
export { registerLogMethods, tailLogs } from './logs.ts';
export type { LogMethodsDeps, LogsTailParams } from './logs.ts';
export { listAgents, listModels, registerModelMethods } from './models.ts';
export type { AgentEntry, AgentsList, ModelEntry } from './models.ts';
