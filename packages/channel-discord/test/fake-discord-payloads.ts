/**
 * Discord API objects as the real API shapes them (the fields discord.js reads), for
 * {@link FakeDiscord}. Pure functions over the fake's own records.
 */

/** A Discord user the fake knows: the bot, or someone who writes to it. */
export interface FakeUser {
  id: string;
  username: string;
  /** The display name (`global_name`). */
  globalName?: string;
  bot?: boolean;
}

/** A channel of a fake guild: a text channel, or a thread under one. */
export interface FakeGuildChannel {
  id: string;
  name?: string;
  /** Default `text`. A `thread` needs `parentId`. */
  type?: 'text' | 'thread';
  parentId?: string;
}

/** A guild (server) the bot is in; announced in READY and sent as GUILD_CREATE. */
export interface FakeGuild {
  id: string;
  name?: string;
  channels: FakeGuildChannel[];
}

/** Discord's channel type numbers for what the fake serves. */
export const CHANNEL_TYPES = Object.freeze({ text: 0, dm: 1, thread: 11 });

const DISCORD_EPOCH = 1_420_070_400_000n;
let increment = 0n;

/** A new snowflake for now: discord.js reads `createdTimestamp` out of ids. */
export function snowflake(at: number = Date.now()): string {
  increment = (increment + 1n) & 0xfffn;
  return String(((BigInt(at) - DISCORD_EPOCH) << 22n) | increment);
}

/** A user object. */
export function userPayload(user: FakeUser): Record<string, unknown> {
  return { id: user.id, username: user.username, global_name: user.globalName ?? null, discriminator: '0', avatar: null, bot: user.bot ?? false, flags: 0 };
}

/** A guild channel or thread object. */
export function channelPayload(channel: FakeGuildChannel, guildId: string, ownerId: string): Record<string, unknown> {
  const common = { id: channel.id, guild_id: guildId, name: channel.name ?? `channel-${channel.id}`, rate_limit_per_user: 0, last_message_id: null };
  if (channel.type !== 'thread') {
    return { ...common, type: CHANNEL_TYPES.text, position: 0, permission_overwrites: [], parent_id: null, nsfw: false, topic: null };
  }
  return {
    ...common,
    type: CHANNEL_TYPES.thread,
    parent_id: channel.parentId,
    owner_id: ownerId,
    message_count: 0,
    member_count: 1,
    thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: new Date().toISOString(), locked: false },
  };
}

/** A DM channel object. */
export function dmChannelPayload(id: string, recipient: FakeUser): Record<string, unknown> {
  return { id, type: CHANNEL_TYPES.dm, recipients: [userPayload(recipient)], last_message_id: null, flags: 0 };
}

/** The GUILD_CREATE payload: the guild with its channels and threads. */
export function guildCreatePayload(guild: FakeGuild, bot: FakeUser): Record<string, unknown> {
  const channels = guild.channels.map((channel) => channelPayload(channel, guild.id, bot.id));
  return {
    id: guild.id,
    name: guild.name ?? `guild-${guild.id}`,
    icon: null,
    owner_id: bot.id,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: [{ id: guild.id, name: '@everyone', permissions: '0', position: 0, color: 0, hoist: false, managed: false, mentionable: false, flags: 0 }],
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    system_channel_flags: 0,
    premium_tier: 0,
    preferred_locale: 'en-US',
    nsfw_level: 0,
    joined_at: new Date().toISOString(),
    large: false,
    unavailable: false,
    member_count: 2,
    members: [],
    channels: channels.filter((c) => c.type !== CHANNEL_TYPES.thread),
    threads: channels.filter((c) => c.type === CHANNEL_TYPES.thread),
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

/** What a message object needs besides its routing. */
export interface MessageFields {
  id: string;
  channelId: string;
  channelType: number;
  guildId: string | undefined;
  author: FakeUser;
  content: string;
  mentions: readonly FakeUser[];
  /** The member's nickname in the guild (shown as the display name). */
  nick?: string | undefined;
  /** The message this one replies to, with its author. */
  reference?: { id: string; author: FakeUser } | undefined;
}

/** A message object, as MESSAGE_CREATE carries and `POST /channels/:id/messages` returns. */
export function messagePayload(fields: MessageFields): Record<string, unknown> {
  const { id, channelId, guildId, author, content, reference } = fields;
  const payload: Record<string, unknown> = {
    id,
    type: reference ? 19 : 0,
    channel_id: channelId,
    channel_type: fields.channelType,
    author: userPayload(author),
    content,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: fields.mentions.map(userPayload),
    mention_roles: [],
    attachments: [],
    embeds: [],
    pinned: false,
    flags: 0,
  };
  if (guildId !== undefined) {
    payload.guild_id = guildId;
    payload.member = { roles: [], joined_at: new Date().toISOString(), nick: fields.nick ?? null, deaf: false, mute: false, flags: 0 };
  }
  if (reference) {
    payload.message_reference = { message_id: reference.id, channel_id: channelId, ...(guildId === undefined ? {} : { guild_id: guildId }) };
    payload.referenced_message = { ...messagePayload({ ...fields, id: reference.id, author: reference.author, content: '', mentions: [], reference: undefined }), type: 0 };
  }
  return payload;
}
