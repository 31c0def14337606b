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
