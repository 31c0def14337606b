/**
 * The channel-plugin contract and the registry that runs plugins. Channel packages and
 * extensions implement {@link ChannelPlugin}; the gateway adds them to a
 * {@link ChannelRegistry}, starts them, routes their messages and reports their status.
 *
 * @module
 */
export { ChannelRegistry, CHANNEL_REGISTRY_DEFAULTS } from './registry.ts';
export type { ChannelConfigResult, ChannelRegistryOptions, ChannelSendRequest } from './registry.ts';
export { ChannelAuthError, ChannelError, isChannelAuthError } from './errors.ts';
export type { ChannelAuthErrorOptions, ChannelErrorCode, ChannelErrorOptions } from './errors.ts';
export { DEFAULT_BACKOFF, computeBackoff, resolveBackoff, systemScheduler } from './backoff.ts';
export type { BackoffPolicy, Scheduler } from './backoff.ts';
export { ChannelsStatusParamsSchema, accountSummaries, buildChannelsStatus, toChannelProtocolError } from './status.ts';
export type { ChannelAccountSummary, ChannelMethodsHost, ChannelStatusInput } from './status.ts';
export { resolveChannelAccounts } from './config.ts';
export type { ChannelConfigIssue, ResolvedChannelAccounts } from './config.ts';
export { defineChannelMethod, defineChannelPlugin } from './define.ts';
export { DEFAULT_CHANNEL_ACCESS, decideAccess, groupSettings, senderMatches } from './access.ts';
export type { AccessDecision, AccessRefusal, ChannelAccess, DmPolicy, GroupAccess, GroupPolicy } from './access.ts';
export { chunkText } from './chunk.ts';
export type { ChunkOptions } from './chunk.ts';
export { createChannelRouter, pairingMessage, sessionKeyFor } from './router.ts';
export type { AgentTurnRequest, AgentTurnResult, ChannelRouterOptions } from './router.ts';
export { DEFAULT_TEXT_LIMIT, deliverText } from './deliver.ts';
export type { TextDelivery } from './deliver.ts';
export { CHANNEL_OPS_DEFAULTS, PAIRING_APPROVED_MESSAGE, registerChannelOpsMethods, toPairingProtocolError } from './channel-methods.ts';
export type { ChannelOpsOptions, PairingApproveResult, PairingRejectResult, SendMethodResult } from './channel-methods.ts';
export type {
  ChannelAccountConfig,
  ChannelAccountHandle,
  ChannelAccountSnapshot,
  ChannelAccountState,
  ChannelContext,
  ChannelInboundInput,
  ChannelInstance,
  ChannelLoginContext,
  ChannelLoginFlow,
  ChannelLoginRequest,
  ChannelLoginStartOptions,
  ChannelLoginStartResult,
  ChannelLoginWaitResult,
  ChannelMethodContext,
  ChannelMethodDefinition,
  ChannelPlugin,
  ChannelStatusPatch,
  ChannelSummary,
  ChannelsStatus,
  ChatType,
  InboundMessage,
  OutboundMessage,
  ProbeResult,
  SendResult,
} from './contract.ts';
