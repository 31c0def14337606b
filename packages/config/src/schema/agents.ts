import { z } from 'zod';
import { nonEmptyString, positiveInt } from './common.ts';

/** The model an agent uses when nothing else is configured. */
export const DEFAULT_PRIMARY_MODEL = 'anthropic/claude-opus-4-5';

/**
 * A model reference: "provider/model" or an alias from `agents.defaults.models`. Aliases
 * are allowed, so the slash is not enforced here; resolution reports unknown references.
 */
const modelRef = () => nonEmptyString();

/**
 * A model choice with fallbacks, used where nothing is inherited (`imageModel`) or where
 * an omitted `fallbacks` must stay distinguishable from `[]` (per-agent `model`: omitted
 * inherits the defaults' fallbacks, `[]` means "none").
 */
const modelSelectionSchema = z.strictObject({
  primary: modelRef().optional().describe('Model to use: "provider/model" or an alias.'),
  fallbacks: z
    .array(modelRef())
    .optional()
    .describe('Models tried in order when the primary fails (rate limit, outage, missing auth).'),
});

const defaultModelSchema = z.strictObject({
  /** Model every agent uses unless it names its own. */
  primary: modelRef().default(DEFAULT_PRIMARY_MODEL).describe('Default model for every agent: "provider/model" or an alias.'),
  /** Tried in order when the primary fails. */
  fallbacks: z
    .array(modelRef())
    .default([])
    .describe('Models tried in order when the primary fails (rate limit, outage, missing auth).'),
});

/** Per-model settings, keyed by "provider/model". */
const modelEntrySchema = z.strictObject({
  /** Short name usable wherever a model reference is expected, e.g. "opus". */
  alias: nonEmptyString().optional().describe('Short name for this model, usable wherever a model reference is expected.'),
  /** Provider request parameters (temperature, ...); open because every provider has its own. */
  params: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('Extra provider request parameters for this model, e.g. { "temperature": 0.2 }.'),
});

/** `agents.defaults`: settings every agent inherits. */
const agentDefaultsSchema = z.strictObject({
  model: defaultModelSchema.prefault({}).describe('Default model and fallbacks.'),
  /** Model for image inputs when the primary cannot see images. */
  imageModel: modelSelectionSchema.optional().describe('Model used for image understanding when the primary model lacks vision.'),
  /** Allowed/known models with aliases and parameters. */
  models: z
    .record(
      z.string().regex(/^[^/\s]+\/\S+$/, 'model keys must look like "provider/model"'),
      modelEntrySchema,
    )
    .optional()
    .describe('Per-model settings keyed by "provider/model": alias and request params.'),
  /** Agent workspace directory (AGENTS.md, SOUL.md, MEMORY.md, skills/); `~` is expanded by the loader. */
  workspace: nonEmptyString().optional().describe('Workspace directory of the agent (default: <stateDir>/workspace).'),
  /** Cap on each bootstrap file injected into the system prompt, so a huge MEMORY.md cannot eat the context. */
  bootstrapMaxChars: positiveInt()
    .default(20_000)
    .describe('Maximum characters of each workspace bootstrap file (AGENTS.md, ...) injected into the prompt.'),
  /** Upper bound of one agent run. */
  timeoutSeconds: positiveInt().default(600).describe('Abort an agent run after this many seconds.'),
  /** Chat platforms drop a typing indicator after a few seconds, so it is re-sent on this interval. */
  typingIntervalSeconds: positiveInt()
    .default(6)
    .describe('How often the typing indicator is refreshed while the agent works, in seconds.'),
});

const identitySchema = z.strictObject({
  name: nonEmptyString().optional().describe('Display name of the agent.'),
  theme: nonEmptyString().optional().describe('One-line persona description.'),
  emoji: nonEmptyString().optional().describe('Emoji used as the agent\'s signature / ack reaction.'),
  avatar: nonEmptyString().optional().describe('Avatar image: workspace-relative path, http(s) URL or data: URI.'),
});

/** One entry of `agents.list`. */
const agentEntrySchema = z.strictObject({
  /** Stable id: part of session keys (`agent:<id>:main`) and state paths, so it is restricted to a safe alphabet. */
  id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'agent id must be 1-64 letters, digits, "-" or "_"')
    .describe('Stable agent id (letters, digits, "-", "_"); used in session keys and state paths.'),
  /** The agent that gets messages no binding routes elsewhere. */
  default: z.boolean().optional().describe('Make this the default agent (the first entry is the default otherwise).'),
  name: nonEmptyString().optional().describe('Human-readable agent name.'),
  workspace: nonEmptyString().optional().describe('Workspace directory of this agent (overrides agents.defaults.workspace).'),
  /** A string sets only the primary and keeps the default fallbacks. */
  model: z
    .union([modelRef(), modelSelectionSchema])
    .optional()
    .describe('Model of this agent: "provider/model" / alias, or { primary, fallbacks }.'),
  identity: identitySchema.optional().describe('How the agent presents itself.'),
});

/** `agents`: the default agent settings and the configured agents. */
export const agentsSchema = z.strictObject({
  defaults: agentDefaultsSchema.prefault({}).describe('Settings every agent inherits.'),
  list: z
    .array(agentEntrySchema)
    .superRefine((list, ctx) => {
      // Ids key session stores and routing; two agents with one id would share history.
      const seen = new Set<string>();
      list.forEach((agent, index) => {
        const key = agent.id.toLowerCase();
        if (seen.has(key)) {
          ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `duplicate agent id "${agent.id}"` });
        }
        seen.add(key);
      });
    })
    .optional()
    .describe('Configured agents. Without entries a single agent "main" uses agents.defaults.'),
});
