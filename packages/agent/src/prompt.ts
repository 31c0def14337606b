// The default system prompt of a run: the agent's workspace files and skills, assembled by
// buildSystemPrompt. Read on every run, so edits to AGENTS.md or MEMORY.md apply at once.
import type { OpenClawConfig } from '@openclaw/config';
import type { ChatType, GatewayLogger } from '@openclaw/gateway-core';
import type { SessionMeta } from '@openclaw/state';
import { normalizeAgentId } from '@openclaw/state';
import { buildSystemPrompt } from './system-prompt.ts';
import { loadWorkspace, resolveBootstrapMaxChars, resolveWorkspaceDir } from './workspace.ts';

/** What the system prompt is built from, for `AgentRuntimeOptions.systemPrompt`. */
export interface SystemPromptContext {
  agentId: string;
  sessionKey: string;
  config: OpenClawConfig;
  now: Date;
  meta: SessionMeta;
  extraSystemPrompt?: string | undefined;
}

const CHAT_TYPES: readonly string[] = ['direct', 'group', 'channel'];

/** Builds the system prompt of a run from the agent's workspace under `stateDir`. */
export async function workspaceSystemPrompt(stateDir: string, context: SystemPromptContext, logger?: GatewayLogger): Promise<string> {
  const { config } = context;
  const dir = resolveWorkspaceDir({ stateDir, config, agentId: context.agentId });
  const workspace = await loadWorkspace(dir, { maxChars: resolveBootstrapMaxChars(config) });
  for (const warning of workspace.warnings) logger?.warn('workspace', { warning });
  const agent = config.agents.list?.find((entry) => normalizeAgentId(entry.id) === context.agentId);
  const { channel, chatType } = context.meta as { channel?: unknown; chatType?: unknown };
  return buildSystemPrompt({
    agentName: agent?.name,
    identity: agent?.identity,
    workspace,
    now: context.now,
    channel: typeof channel === 'string' ? channel : undefined,
    chatType: typeof chatType === 'string' && CHAT_TYPES.includes(chatType) ? (chatType as ChatType) : undefined,
    extraSystemPrompt: context.extraSystemPrompt,
  });
}
