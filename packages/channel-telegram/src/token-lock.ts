import { createHash } from 'node:crypto';
import { ChannelAuthError } from '@openclaw/gateway-core';

/**
 * Which account polls which token, process-wide: on `globalThis` under a registered symbol,
 * so two bundled copies of this package still see each other. Keyed by a hash, so the map
 * never holds a token.
 */
const HOLDERS_KEY = Symbol.for('openclaw.channel-telegram.token-holders');

type Holders = Map<string, { label: string }>;

function holders(): Holders {
  const scope = globalThis as { [HOLDERS_KEY]?: Holders };
  scope[HOLDERS_KEY] ??= new Map();
  return scope[HOLDERS_KEY];
}

/**
 * Claims `token` for `label` (`telegram account "work"`): Telegram allows one `getUpdates`
 * consumer (or one webhook) per bot, so a second account on the same token would only
 * knock the first one off with 409 Conflicts. Throws a {@link ChannelAuthError} naming the
 * holder (not retried: retrying cannot help). Returns the release function (idempotent).
 */
export function claimToken(token: string, label: string): () => void {
  const key = createHash('sha256').update(token).digest('hex');
  const map = holders();
  const current = map.get(key);
  if (current) {
    throw new ChannelAuthError(`${label} uses the same bot token as ${current.label}, which is already running in this process`, {
      hint: 'give each account its own bot from @BotFather, or remove the duplicate account (Telegram delivers a bot\'s updates to one consumer only)',
    });
  }
  const claim = { label };
  map.set(key, claim);
  return () => {
    if (map.get(key) === claim) map.delete(key);
  };
}
