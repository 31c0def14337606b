import { z } from 'zod';
import { agentsSchema } from './agents.ts';
import { authSchema } from './auth.ts';
import { channelsSchema } from './channels.ts';
import { envSchema } from './env.ts';
import { gatewaySchema } from './gateway.ts';
import { loggingSchema } from './logging.ts';
import { metaSchema } from './meta.ts';
import { modelsSchema } from './models.ts';
import { pluginsSchema } from './plugins.ts';
import { sessionSchema } from './session.ts';

/**
 * The whole `openclaw.json`. Strict at every level except the documented open places
 * (plugin channels, plugin config, model params, env entries), so unknown keys surface
 * as `unrecognized_keys` issues the loader reports as warnings.
 *
 * Sections that hold defaults use `.prefault({})`, not `.default({})`: `.default` returns
 * its value without parsing it, so the defaults inside would be missing. Sections with
 * nothing to default (`auth`, `env`, `meta`, `channels`) stay absent unless written.
 */
export const OpenClawConfigSchema = z
  .strictObject({
    $schema: z.string().optional().describe('JSON Schema reference for editors; ignored by openclaw.'),
    meta: metaSchema.optional().describe('Written by openclaw when it saves the file.'),
    env: envSchema.optional(),
    logging: loggingSchema.prefault({}).describe('Gateway logging.'),
    auth: authSchema.optional().describe('Model-provider credential profiles (metadata only; secrets live in the credentials store).'),
    models: modelsSchema.prefault({}).describe('Model providers.'),
    agents: agentsSchema.prefault({}).describe('Agents and their defaults.'),
    session: sessionSchema.prefault({}).describe('Conversation sessions.'),
    channels: channelsSchema.optional(),
    gateway: gatewaySchema.prefault({}).describe('The gateway server: port, bind address, auth, Tailscale, dashboard.'),
    plugins: pluginsSchema.prefault({}).describe('Plugins.'),
  })
  .describe('Configuration of the OpenClaw gateway (openclaw.json).');

/** A parsed config: every default filled in. */
export type OpenClawConfig = z.output<typeof OpenClawConfigSchema>;

/** What may be written in `openclaw.json`: fields with defaults are optional. */
export type OpenClawConfigInput = z.input<typeof OpenClawConfigSchema>;
