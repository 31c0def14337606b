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
