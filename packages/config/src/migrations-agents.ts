import type { ConfigPath } from './config-path.ts';
import {
  change,
  conflictDrop,
  defineMigration,
  deleteIfEmpty,
  deleteOwn,
  fmt,
  getOwn,
  getRecordOrAbsent,
  isRecord,
  isStringArray,
  mergeInto,
  placeValue,
  relocate,
  setOwn,
} from './migrations-shared.ts';
import type { ConfigRecord, MigrationChange, MigrationStamp } from './migrations-shared.ts';

/** What a `models` key must look like; aliases ("sonnet") are not keys. */
const MODEL_KEY = /^[^/\s]+\/\S+$/;

/** `agents.list` when it is an array or absent (then a new empty one); `undefined` for anything else. */
function agentList(agents: ConfigRecord): unknown[] | undefined {
  const list = getOwn(agents, 'list');
  if (list === undefined) return [];
  return Array.isArray(list) ? list : undefined;
}

function agentId(entry: unknown): string | undefined {
  if (!isRecord(entry)) return undefined;
  const id = getOwn(entry, 'id');
  return typeof id === 'string' && id.trim() !== '' ? id.trim() : undefined;
}

/** `model: "x"` becomes `model: { primary: "x" }`; `modelFallbacks` becomes `model.fallbacks` (same for `imageModel`). */
function migrateModelSelection(
  s: MigrationStamp,
  agent: ConfigRecord,
  base: ConfigPath,
  key: 'model' | 'imageModel',
  fallbacksKey: 'modelFallbacks' | 'imageModelFallbacks',
): MigrationChange[] {
  const changes: MigrationChange[] = [];
  let current = getOwn(agent, key);
  if (typeof current === 'string') {
    current = { primary: current };
    setOwn(agent, key, current);
    const to = [...base, key, 'primary'];
    changes.push(change(s, 'move', [...base, key], to, `moved ${fmt([...base, key])} (a model string) to ${fmt(to)}`));
  }
  const fallbacks = getOwn(agent, fallbacksKey);
  if (isStringArray(fallbacks) && (current === undefined || isRecord(current))) {
    const selection: ConfigRecord = current ?? {};
    setOwn(agent, key, selection);
    const existing = getOwn(selection, 'fallbacks');
    // The original wrote `fallbacks: []` itself next to the legacy list, so an empty list is not a choice to keep.
    if (Array.isArray(existing) && existing.length === 0) deleteOwn(selection, 'fallbacks');
    changes.push(...placeValue(s, selection, 'fallbacks', fallbacks, [...base, fallbacksKey], [...base, key, 'fallbacks']));
    deleteOwn(agent, fallbacksKey);
  }
  return changes;
}

/**
 * `allowedModels` become keys of `models`; `modelAliases` (alias -> ref) become
 * `models[ref].alias`. A non-empty `models` is the model allowlist, so once this adds
 * entries the models already in use (primary, fallbacks, image model) are added too,
 * or they would be locked out. Unlike the original, a bare `model` string alone does
 * not create `models`: that would turn "any model" into a one-model allowlist.
 */
function migrateModelCatalog(s: MigrationStamp, agent: ConfigRecord, base: ConfigPath): MigrationChange[] {
  const allowed = getOwn(agent, 'allowedModels');
  const aliases = getOwn(agent, 'modelAliases');
  const models = getRecordOrAbsent(agent, 'models');
  const allowedOk = isStringArray(allowed);
  const aliasesOk =
    isRecord(aliases) &&
    Object.values(aliases).every((ref) => {
      if (typeof ref !== 'string') return false;
      const entry = models ? getOwn(models, ref.trim()) : undefined;
      return entry === undefined || isRecord(entry);
    });
  if ((!allowedOk && !aliasesOk) || models === null) return [];

  const catalog: ConfigRecord = models ?? {};
  const modelsPath = [...base, 'models'];
  const changes: MigrationChange[] = [];
  let added = 0;

  if (allowedOk) {
    const from = [...base, 'allowedModels'];
    allowed.forEach((raw, i) => {
      const ref = raw.trim();
      if (ref === '' || getOwn(catalog, ref) !== undefined) return;
      setOwn(catalog, ref, {});
      added += 1;
      changes.push(change(s, 'set', [...from, i], [...modelsPath, ref], `added ${fmt([...modelsPath, ref])} from ${fmt([...from, i])}`));
    });
    const detail =
      allowed.length === 0
        ? `dropped ${fmt(from)}: it was empty (no allowlist)`
        : `removed ${fmt(from)}: its models are keys of ${fmt(modelsPath)} now`;
    changes.push(change(s, 'drop', from, undefined, detail));
    deleteOwn(agent, 'allowedModels');
  }

  if (aliasesOk) {
    const from = [...base, 'modelAliases'];
    const entries = Object.entries(aliases);
    if (entries.length === 0) changes.push(change(s, 'drop', from, undefined, `dropped ${fmt(from)}: it was empty`));
    for (const [alias, raw] of entries) {
      const ref = (raw as string).trim();
      const aliasFrom = [...from, alias];
      if (ref === '') {
        changes.push(change(s, 'drop', aliasFrom, undefined, `dropped ${fmt(aliasFrom)}: it names no model`));
        continue;
      }
      let entry = getOwn(catalog, ref);
      if (entry === undefined) {
        entry = {};
        setOwn(catalog, ref, entry);
        added += 1;
      }
      const to = [...modelsPath, ref, 'alias'];
      const existing = getOwn(entry as ConfigRecord, 'alias');
      if (existing === undefined) {
        setOwn(entry as ConfigRecord, 'alias', alias);
        changes.push(change(s, 'move', aliasFrom, to, `moved ${fmt(aliasFrom)} to ${fmt(to)}`));
      } else {
        changes.push(conflictDrop(s, aliasFrom, to, alias, existing));
      }
    }
    deleteOwn(agent, 'modelAliases');
  }

  if (added > 0) {
    for (const key of ['model', 'imageModel']) {
      const selection = getOwn(agent, key);
      if (!isRecord(selection)) continue;
      const primary = getOwn(selection, 'primary');
      const fallbacks = getOwn(selection, 'fallbacks');
      const inUse: [ConfigPath, unknown][] = [[[...base, key, 'primary'], primary]];
      if (Array.isArray(fallbacks)) fallbacks.forEach((ref, i) => inUse.push([[...base, key, 'fallbacks', i], ref]));
      for (const [path, ref] of inUse) {
        if (typeof ref !== 'string' || !MODEL_KEY.test(ref.trim()) || getOwn(catalog, ref.trim()) !== undefined) continue;
        setOwn(catalog, ref.trim(), {});
        const to = [...modelsPath, ref.trim()];
        changes.push(change(s, 'set', path, to, `added ${fmt(to)} so that ${fmt(path)} stays allowed`));
      }
    }
  }
  if (models !== undefined || Object.keys(catalog).length > 0) setOwn(agent, 'models', catalog);
  return changes;
}

/**
 * #10. Runs on `agent` (moved to `agents.defaults` by #16 later) and on `agents.defaults`,
 * so a half-migrated config with both converges in one pass.
 */
export const agentModelConfigV2 = defineMigration(
  10,
  'agent.model-config-v2',
  'Turn agent.model/imageModel strings into { primary }, move modelFallbacks/imageModelFallbacks into them, allowedModels and modelAliases into agent.models.',
  (config, s) => {
    const agents = getRecordOrAbsent(config, 'agents');
    const targets: [ConfigPath, ConfigRecord | null | undefined][] = [
      [['agent'], getRecordOrAbsent(config, 'agent')],
      [['agents', 'defaults'], agents ? getRecordOrAbsent(agents, 'defaults') : undefined],
    ];
    return targets.flatMap(([base, agent]) =>
      agent
        ? [
            ...migrateModelSelection(s, agent, base, 'model', 'modelFallbacks'),
            ...migrateModelSelection(s, agent, base, 'imageModel', 'imageModelFallbacks'),
            ...migrateModelCatalog(s, agent, base),
          ]
        : [],
    );
  },
);

/** Renames inside one agent entry that the original does while moving it out of `routing.agents`. */
function normalizeAgentEntry(s: MigrationStamp, entry: ConfigRecord, at: ConfigPath): MigrationChange[] {
  const changes = [
    ...(relocate(s, entry, ['mentionPatterns'], ['groupChat', 'mentionPatterns'], at) ?? []),
    ...(relocate(s, entry, ['sandbox', 'tools'], ['tools', 'sandbox', 'tools'], at) ?? []),
  ];
  deleteIfEmpty(entry, 'sandbox');
  return changes;
}

/** #11: the record of agents under `routing` becomes the `agents.list` array. */
export const routingAgentsV2 = defineMigration(
  11,
  'routing.agents-v2',
  'Move routing.agents{id: {...}} to agents.list[{id, ...}] and routing.defaultAgentId to that entry\'s default: true.',
  (config, s) => {
    const routing = getRecordOrAbsent(config, 'routing');
    if (!routing) return [];
    const legacyAgents = getRecordOrAbsent(routing, 'agents');
    const defaultId = getOwn(routing, 'defaultAgentId');
    const hasDefault = typeof defaultId === 'string' && defaultId.trim() !== '';
    const agents = getRecordOrAbsent(config, 'agents');
    if ((!legacyAgents && !hasDefault) || agents === null) return [];
    const agentsRecord: ConfigRecord = agents ?? {};
    const list = agentList(agentsRecord);
    if (!list) return [];
    const indexOf = (id: string) => list.findIndex((entry) => agentId(entry) === id);
    const changes: MigrationChange[] = [];

    if (legacyAgents) {
      const ids = Object.keys(legacyAgents);
      if (ids.length === 0) changes.push(change(s, 'drop', ['routing', 'agents'], undefined, 'dropped routing.agents: it was empty'));
      for (const rawId of ids) {
        const legacy = getOwn(legacyAgents, rawId);
        const id = rawId.trim();
        if (id === '' || !isRecord(legacy)) continue; // left for the validator
        const from = ['routing', 'agents', rawId];
        let index = indexOf(id);
        if (index === -1) {
          index = list.length;
          const to = ['agents', 'list', index];
          const created: ConfigRecord = { id };
          const ownId = getOwn(legacy, 'id');
          // The record key is the id; a different `id` inside loses (dropped first, so replaying the changes keeps it out).
          if (ownId !== undefined && ownId !== id) changes.push(conflictDrop(s, [...from, 'id'], [...to, 'id'], ownId, id));
          for (const key of Object.keys(legacy)) if (key !== 'id') setOwn(created, key, legacy[key]);
          list.push(created);
          changes.push(change(s, 'move', from, to, `moved ${fmt(from)} to ${fmt(to)} (id "${id}")`));
        } else {
          changes.push(...mergeInto(s, list[index] as ConfigRecord, legacy, from, ['agents', 'list', index]));
        }
        changes.push(...normalizeAgentEntry(s, list[index] as ConfigRecord, ['agents', 'list', index]));
        deleteOwn(legacyAgents, rawId);
      }
      deleteIfEmpty(routing, 'agents');
    }

    if (hasDefault) {
      const id = defaultId.trim();
      const from = ['routing', 'defaultAgentId'];
      const current = list.findIndex((entry) => isRecord(entry) && getOwn(entry, 'default') === true);
      if (current !== -1) {
        changes.push(change(s, 'drop', from, undefined, `dropped ${fmt(from)}: ${fmt(['agents', 'list', current])} is already the default agent`));
      } else {
        let index = indexOf(id);
        let note = '';
        if (index === -1) {
          index = list.length;
          list.push({ id });
          note = ` (created agent "${id}")`;
        }
        setOwn(list[index] as ConfigRecord, 'default', true);
        const to = ['agents', 'list', index, 'default'];
        changes.push(change(s, 'move', from, to, `moved ${fmt(from)} to ${fmt(to)}${note}`));
      }
      deleteOwn(routing, 'defaultAgentId');
    }

    if (changes.length > 0) {
      setOwn(agentsRecord, 'list', list);
      setOwn(config, 'agents', agentsRecord);
    }
    deleteIfEmpty(config, 'routing');
    return changes;
  },
);

/** Parts of `agent` that moved to the top-level `tools` section rather than `agents.defaults`. */
const AGENT_TOOL_MOVES: readonly [ConfigPath, ConfigPath][] = [
  [['agent', 'elevated'], ['tools', 'elevated']],
  [['agent', 'bash'], ['tools', 'exec']],
  [['agent', 'sandbox', 'tools'], ['tools', 'sandbox', 'tools']],
  [['agent', 'subagents', 'tools'], ['tools', 'subagents', 'tools']],
];

/**
 * #16. The tool settings go to `tools` although our schema has no `tools` yet: the
 * validator warns about the unknown key, but the user's data survives for the day it does.
 */
export const agentDefaultsV2 = defineMigration(
  16,
  'agent.defaults-v2',
  'Move agent.* to agents.defaults (existing values win); agent.tools to tools, agent.elevated to tools.elevated, agent.bash to tools.exec.',
  (config, s) => {
    const agent = getRecordOrAbsent(config, 'agent');
    const agents = getRecordOrAbsent(config, 'agents');
    if (!agent || agents === null || (agents && getRecordOrAbsent(agents, 'defaults') === null)) return [];
    if (getRecordOrAbsent(config, 'tools') === null) return [];
    const changes: MigrationChange[] = [];
    // agent.tools held only allow/deny, which keep their names under tools.
    if (isRecord(getOwn(agent, 'tools'))) changes.push(...(relocate(s, config, ['agent', 'tools'], ['tools']) ?? []));
    for (const [from, to] of AGENT_TOOL_MOVES) changes.push(...(relocate(s, config, from, to) ?? []));
    deleteIfEmpty(agent, 'sandbox');
    deleteIfEmpty(agent, 'subagents');
    if (Object.keys(agent).length > 0) {
      changes.push(...(relocate(s, config, ['agent'], ['agents', 'defaults']) ?? []));
    } else {
      deleteOwn(config, 'agent');
      if (changes.length === 0) changes.push(change(s, 'drop', ['agent'], undefined, 'dropped agent: it was empty'));
    }
    return changes;
  },
);

/** #17: the single top-level identity belongs to the default agent. */
export const identityToAgentsList = defineMigration(
  17,
  'identity->agents.list',
  'Move identity to agents.list[default].identity, creating { id: "main", default: true } when there is no agent.',
  (config, s) => {
    if (!isRecord(getOwn(config, 'identity'))) return [];
    const agents = getRecordOrAbsent(config, 'agents');
    if (agents === null) return [];
    const agentsRecord: ConfigRecord = agents ?? {};
    const list = agentList(agentsRecord);
    if (!list) return [];
    let index = list.findIndex((entry) => agentId(entry) !== undefined && getOwn(entry as ConfigRecord, 'default') === true);
    if (index === -1) index = list.findIndex((entry) => agentId(entry) !== undefined);
    let note = '';
    if (index === -1) {
      index = list.length;
      list.push({ id: 'main', default: true });
      note = ' (created agent "main" as the default: there was none)';
    }
    setOwn(agentsRecord, 'list', list);
    setOwn(config, 'agents', agentsRecord);
    const changes = relocate(s, config, ['identity'], ['agents', 'list', index, 'identity']) ?? [];
    const [first] = changes;
    if (first) first.detail += note;
    return changes;
  },
);
