/**
 * Legacy config migrations: the original's numbered table (1-17, in its order), each
 * entry either implemented here or marked skipped with the reason. Order matters: #5
 * moves channel sections before #6-#9 look under `channels`, and #10 turns a string
 * `agent.model` into `{ primary }` before #16 moves `agent` to `agents.defaults`.
 */
import {
  agentDefaultsV2,
  agentModelConfigV2,
  identityToAgentsList,
  routingAgentsV2,
} from './migrations-agents.ts';
import {
  claudeCliModeOauth,
  gatewayTokenToAuth,
  providersToChannels,
  routingAllowFromToWhatsApp,
  routingGroupChatRequireMention,
  telegramRequireMention,
} from './migrations-channels.ts';
import { cloneConfig } from './migrations-shared.ts';
import type { LegacyMigration, MigrationChange } from './migrations-shared.ts';

export type { ConfigPath } from './config-path.ts';
export type { LegacyMigration, MigrationAction, MigrationChange } from './migrations-shared.ts';

function skipped(number: number, id: string, description: string, reason: string): LegacyMigration {
  return { number, id, description, skipped: reason, apply: () => [] };
}

/**
 * The original's 17 legacy migrations, numbered and ordered as there. Skipped entries
 * target sections our schema does not have; their legacy keys are left in place for
 * the validator to report rather than moved somewhere nothing reads them.
 */
export const LEGACY_MIGRATIONS: readonly LegacyMigration[] = Object.freeze([
  skipped(
    1,
    'bindings.match.provider->bindings.match.channel',
    'Rename bindings[].match.provider to bindings[].match.channel.',
    'our schema has no `bindings` section yet',
  ),
  skipped(
    2,
    'bindings.match.accountID->bindings.match.accountId',
    'Rename bindings[].match.accountID to bindings[].match.accountId.',
    'our schema has no `bindings` section yet',
  ),
  skipped(
    3,
    'session.sendPolicy.rules.match.provider->match.channel',
    'Rename session.sendPolicy.rules[].match.provider to match.channel.',
    'our `session` schema has no `sendPolicy` yet',
  ),
  skipped(
    4,
    'messages.queue.byProvider->byChannel',
    'Rename messages.queue.byProvider to messages.queue.byChannel.',
    'our schema has no `messages` section yet',
  ),
  providersToChannels,
  routingAllowFromToWhatsApp,
  routingGroupChatRequireMention,
  gatewayTokenToAuth,
  telegramRequireMention,
  agentModelConfigV2,
  routingAgentsV2,
  skipped(
    12,
    'routing.config-v2',
    'Move routing.bindings to bindings, routing.agentToAgent to tools.agentToAgent, routing.queue to messages.queue, routing.groupChat.{historyLimit,mentionPatterns} to messages.groupChat, routing.transcribeAudio/audio.transcription to tools.media.audio.models.',
    'its targets (`bindings`, `messages`, `tools.agentToAgent`, `tools.media`, `audio`) are not in our schema; the keys stay under `routing` for the validator to report',
  ),
  claudeCliModeOauth,
  skipped(
    14,
    'tools.bash->tools.exec',
    'Rename tools.bash to tools.exec.',
    'our schema has no `tools` section yet',
  ),
  skipped(
    15,
    'messages.tts.enabled->auto',
    'Replace messages.tts.enabled with messages.tts.auto.',
    'our schema has no `messages` section yet',
  ),
  agentDefaultsV2,
  identityToAgentsList,
]);

/**
 * Applies every migration, in order, to a deep clone of `raw`; `raw` is never mutated.
 * Migrations skip shapes they cannot interpret (e.g. `agent` being a string) and leave
 * them for the validator, so this never throws on odd input.
 */
export function migrateLegacyConfig(raw: Record<string, unknown>): { config: Record<string, unknown>; changes: MigrationChange[] } {
  const config = cloneConfig(raw);
  const changes: MigrationChange[] = [];
  for (const migration of LEGACY_MIGRATIONS) {
    if (migration.skipped === undefined) changes.push(...migration.apply(config));
  }
  return { config, changes };
}

/** True when any migration would change something (cheap check for `config validate` / `doctor`). */
export function hasLegacyKeys(raw: Record<string, unknown>): boolean {
  return migrateLegacyConfig(raw).changes.length > 0;
}
