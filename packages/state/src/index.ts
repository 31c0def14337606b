// Public API of @openclaw/state: everything the gateway keeps on disk, written so that a
// crash at any moment loses nothing. Everything not exported here is internal.

export { StateError } from './errors.ts';
export type { StateErrorCode, StateErrorOptions } from './errors.ts';

// Session keys
export {
  DEFAULT_ACCOUNT_ID,
  DEFAULT_AGENT_ID,
  DEFAULT_MAIN_KEY,
  buildMainSessionKey,
  buildSessionKey,
  normalizeAccountId,
  normalizeAgentId,
  normalizeSessionKey,
  parseSessionKey,
} from './session-key.ts';
export type { DmScope, NormalizeKeyOptions, ParsedSessionKey, SessionKeyInput, ThreadKind } from './session-key.ts';

// Sessions: index + transcripts
export { SESSION_STORE_DEFAULTS, SessionStore, sessionsDirFor } from './sessions.ts';
export type {
  DeletedSession,
  ResolvedSession,
  SessionListItem,
  SessionMeta,
  SessionStoreOptions,
  SessionWarning,
  SessionsRepairReport,
} from './sessions.ts';
export { SessionIndex } from './session-index.ts';
export type { DeliveryContext, IndexRecovery, SessionEntry, SessionIndexData, SessionIndexOptions } from './session-index.ts';
export { TRANSCRIPT_DEFAULTS, Transcript } from './transcript.ts';
export type { AppendOptions, FsyncPolicy, TornTail, TranscriptOptions } from './transcript.ts';
export { TRANSCRIPT_VERSION } from './transcript-format.ts';
export type { MessageUsage, NewTranscriptEntry, TranscriptEntry, TranscriptHeader, TranscriptMessage } from './transcript-format.ts';
export type { ReadLastOptions, ReadLastResult } from './transcript-read.ts';
export { repairTranscript } from './transcript-repair.ts';
export type { RepairTranscriptOptions, TranscriptRepairReport } from './transcript-repair.ts';

// Gateway lock
export { GATEWAY_LOCK_DEFAULTS, GATEWAY_LOCK_FILE, acquireGatewayLock, gatewayLockPath, readGatewayLock } from './gateway-lock.ts';
export type {
  GatewayLockHandle,
  GatewayLockInfo,
  GatewayLockOptions,
  GatewayLockOwner,
  GatewayLockRequest,
  GatewayLockStaleReason,
  GatewayLockStatus,
  GatewayLockTakeover,
} from './gateway-lock.ts';

// Cross-process file locks and process identity
export { withFileLock } from './fs-lock.ts';
export type { FileLockOptions, LockOwner } from './fs-lock.ts';
export { isProcessAlive, ownerStatus, processStartTime } from './process-info.ts';
export type { OwnerStatus } from './process-info.ts';

// Credentials
export { CredentialStore } from './credentials.ts';
export type { CredentialStoreOptions, CredentialSummary, LoadedCredential } from './credentials.ts';
export {
  CREDENTIAL_MIGRATIONS,
  CREDENTIAL_TYPES,
  CREDENTIAL_VERSION,
  ID_PATTERN,
  credentialExpiry,
  credentialSecret,
  isCredentialExpired,
  normalizeId,
  profileLabel,
} from './credentials-format.ts';
export type {
  ApiKeyCredential,
  CredentialInput,
  CredentialMigration,
  CredentialMigrationContext,
  CredentialRecord,
  CredentialType,
  OAuthCredential,
  TokenCredential,
} from './credentials-format.ts';
export {
  CREDENTIALS_ALG,
  CREDENTIALS_KEY_ENV,
  CREDENTIALS_KEY_FILE,
  CREDENTIALS_KEY_FILE_ENV,
  createCredentialsKeyFile,
  credentialsKeyId,
  defaultCredentialsKeyFile,
  parseCredentialsKey,
  resolveCredentialsKey,
} from './credentials-crypto.ts';
export type { CredentialsKey, CredentialsKeySource, EncryptedCredentialFile, EncryptedPayload, ResolveCredentialsKeyOptions } from './credentials-crypto.ts';
export { NoApiKeyError, PROVIDER_ENV_VARS, providerEnvVars, resolveApiKey } from './credentials-resolve.ts';
export type { ApiKeyConfig, ApiKeySource, ResolveApiKeyOptions, ResolvedApiKey, SkippedCredential } from './credentials-resolve.ts';

// DM pairing
export {
  PAIRING_CODE_ALPHABET,
  PAIRING_CODE_LENGTH,
  PAIRING_PENDING_MAX,
  PAIRING_PENDING_TTL_MS,
  PAIRING_VERSION,
  PairingStore,
  generatePairingCode,
  normalizePairingCode,
} from './pairing.ts';
export type { PairingFile, PairingRequest, PairingRequestResult, PairingStoreOptions, PairingWhenFull, PendingPairing } from './pairing.ts';
