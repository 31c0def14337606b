import { areJidsSameUser, isJidGroup, isLidUser, isPnUser, jidDecode, jidNormalizedUser } from '@whiskeysockets/baileys';

/** The linked account as the socket knows it: its phone-number JID and, in Baileys 7, its LID. */
export interface SelfIdentity {
  readonly id: string;
  readonly lid?: string | undefined;
}

const PHONE = /^\d{5,15}$/;

/**
 * Where `target` goes: a phone number (`+1 555 123-4567`, `15551234567`) becomes its
 * `@s.whatsapp.net` JID; a JID (user, LID or group) loses its device suffix. Throws for
 * anything else.
 */
export function toJid(target: string): string {
  const trimmed = target.trim();
  if (trimmed.includes('@')) {
    const jid = jidNormalizedUser(trimmed);
    if (jid !== '' && (isPnUser(jid) || isLidUser(jid) || isJidGroup(jid))) return jid;
  } else {
    const digits = trimmed.replace(/^\+/, '').replace(/[\s().-]/g, '');
    if (PHONE.test(digits)) return `${digits}@s.whatsapp.net`;
  }
  throw new Error(`"${target}" is neither a phone number nor a WhatsApp chat id (JID)`);
}

/** The phone number (E.164 digits, no `+`) of a `@s.whatsapp.net` JID, else undefined. */
export function phoneOf(jid: string | null | undefined): string | undefined {
  if (!jid || !isPnUser(jid)) return undefined;
  return jidDecode(jid)?.user;
}

/** True when `jid` is the linked account, by phone number or by LID. */
export function isSelf(jid: string | null | undefined, self: SelfIdentity | undefined): boolean {
  if (!jid || !self) return false;
  return areJidsSameUser(jid, self.id) || (self.lid !== undefined && areJidsSameUser(jid, self.lid));
}

/**
 * A sender's stable id: the phone number (digits) from whichever of the two addresses
 * Baileys 7 gives is a phone-number JID, else the LID JID itself (`1234…@lid`).
 */
export function senderIdOf(primary: string | null | undefined, alternative: string | null | undefined): string | undefined {
  const phone = phoneOf(primary) ?? phoneOf(alternative);
  if (phone !== undefined) return phone;
  const lid = [primary, alternative].find((jid) => jid && isLidUser(jid));
  return lid ? jidNormalizedUser(lid) : undefined;
}
