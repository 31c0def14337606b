// Public API of @openclaw/agent. Everything not exported here is internal.

// Workspace: where an agent's files are, what goes into its system prompt.
export {
  BOOTSTRAP_FILE_NAMES,
  WORKSPACE_DEFAULTS,
  WORKSPACE_TEMPLATES,
  WorkspaceError,
  ensureWorkspace,
  loadWorkspace,
  resolveBootstrapMaxChars,
  resolveWorkspaceDir,
} from './workspace.ts';
export type {
  BootstrapFile,
  EnsureWorkspaceOptions,
  LoadWorkspaceOptions,
  LoadedWorkspace,
  ResolveWorkspaceDirOptions,
  WorkspaceConfig,
  WorkspaceErrorCode,
} from './workspace.ts';
export { SKILL_DEFAULTS, listSkills } from './skills.ts';
export type { ListSkillsOptions, SkillEntry, SkillList } from './skills.ts';
export { buildSystemPrompt } from './system-prompt.ts';
export type { AgentIdentity, SystemPromptInput } from './system-prompt.ts';

// Runtime: model providers, fallbacks, the per-session run queue.
export { AgentError } from './errors.ts';
export type { AgentErrorCode, AgentErrorOptions } from './errors.ts';
export { BUILTIN_PROVIDERS, DEFAULT_MAX_TOKENS, DEFAULT_PROVIDER, parseModelRef, resolveModelChain, resolveModelTarget } from './models.ts';
export type { ModelApi, ModelRef, ModelTarget, ProviderEndpoint } from './models.ts';
export { classifyFailure, fallbackDelayMs, toAgentError } from './fallback.ts';
export type { FailureKind } from './fallback.ts';
export { MODEL_CALLERS } from './providers/index.ts';
export type { ChatMessage, ModelCaller, ModelRequest, ModelResponse, ModelUsage, StopReason } from './providers/index.ts';
export { AgentRuntime, defaultAgentId, resetTrigger } from './runtime.ts';
export { PROBE_TIMEOUT_MS, modelsUrl, probeProvider, providerHealth } from './probe.ts';
export type { ProbeOutcome, ProviderHealth } from './probe.ts';
export type { AgentRuntimeOptions, RunEvent, RunHandle, RunRequest, RunResult, SystemPromptContext } from './runtime.ts';

// Gateway methods: chat.send / chat.history / chat.abort / agent / agent.wait.
export { CHAT_METHODS_DEFAULTS, registerChatMethods } from './chat-methods.ts';
export type { ChatMethodsOptions } from './chat-methods.ts';
export { RunEventStream } from './chat-events.ts';
export type { Broadcast } from './chat-events.ts';
