import { z } from 'zod';
import { discordSchema } from './channels-discord.ts';
import { telegramSchema } from './channels-telegram.ts';
import { whatsappSchema } from './channels-whatsapp.ts';

/**
 * `channels`: the built-in chat channels, plus any other key for plugin channels.
 * Plugin channels validate their own config, so an unknown channel name is not an
 * unknown key; its value only has to be an object.
 */
export const channelsSchema = z
  .object({
    telegram: telegramSchema.optional().describe('Telegram bot (grammY).'),
    discord: discordSchema.optional().describe('Discord bot.'),
    whatsapp: whatsappSchema.optional().describe('WhatsApp via a linked device (Baileys).'),
  })
  .catchall(z.record(z.string(), z.unknown()).describe('Configuration of a plugin channel, validated by the plugin.'))
  .describe('Chat channels. telegram, discord and whatsapp are built in; other keys configure plugin channels.');
