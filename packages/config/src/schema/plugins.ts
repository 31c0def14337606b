import { z } from 'zod';
import { nonEmptyString } from './common.ts';

const pluginEntrySchema = z.strictObject({
  enabled: z.boolean().optional().describe('Enable or disable this plugin.'),
  /** Each plugin validates its own config, so it is open here. */
  config: z.unknown().optional().describe('Plugin-specific configuration, validated by the plugin.'),
});

/** `plugins`: which plugins load and their settings. */
export const pluginsSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('Load plugins at all.'),
  load: z
    .strictObject({
      paths: z.array(nonEmptyString()).optional().describe('Extra files or directories to load plugins from.'),
    })
    .optional()
    .describe('Where plugins are loaded from besides the built-in and installed ones.'),
  entries: z
    .record(nonEmptyString(), pluginEntrySchema)
    .optional()
    .describe('Per-plugin settings keyed by plugin id.'),
  allow: z.array(nonEmptyString()).optional().describe('If set, only these plugin ids load.'),
  deny: z.array(nonEmptyString()).optional().describe('Plugin ids that never load (wins over allow).'),
});
