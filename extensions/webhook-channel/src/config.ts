import type { ChannelAccess, ChannelAccountConfig } from '@openclaw/gateway-core';

/** `channels.webhook` after {@link webhookConfigSchema} checked it, defaults applied. */
export interface WebhookSection {
  enabled: boolean;
  /** Display name in `channels.status`. */
  name?: string | undefined;
  /** Where the channel listens for `POST /message` (default `127.0.0.1`: only this machine). */
  host: string;
  /** 0 picks a free port (shown as `url` in the account's status). */
  port: number;
  /** Shared with the sender and the reply endpoint, at least 16 characters; both directions carry it in `x-webhook-secret`. */
  secret: string;
  /** Replies are POSTed here. */
  replyUrl: string;
  /** Longest reply one POST carries; the gateway splits longer replies. */
  textLimit: number;
  dmPolicy: ChannelAccess['dmPolicy'];
  allowFrom: string[];
  groupPolicy: ChannelAccess['groupPolicy'];
  groupAllowFrom: string[];
  groups: NonNullable<ChannelAccess['groups']>;
  requireMention: boolean;
}

/** One account's config: the section itself (the channel has one account, `default`). */
export type WebhookAccount = WebhookSection;

/** Defaults of the optional fields of `channels.webhook`. */
export const WEBHOOK_DEFAULTS = Object.freeze({
  host: '127.0.0.1',
  textLimit: 4000,
  dmPolicy: 'pairing',
  groupPolicy: 'allowlist',
  requireMention: true,
} as const);

/** Shortest secret accepted: anything shorter is guessable. */
export const MIN_SECRET_LENGTH = 16;

/** One problem with the section, in Standard Schema's shape. */
export interface WebhookConfigIssue {
  readonly message: string;
  readonly path: readonly PropertyKey[];
}

type Result = { readonly value: WebhookSection; readonly issues?: undefined } | { readonly issues: readonly WebhookConfigIssue[] };

/**
 * The validator of `channels.webhook`: a Standard Schema (https://standardschema.dev) written
 * by hand, so the plugin needs no validation library. A zod 4 or valibot schema fits the same
 * `configSchema` slot. The gateway shows each issue at `channels.webhook.<path>`.
 */
export const webhookConfigSchema = {
  '~standard': {
    version: 1,
    vendor: 'openclaw-extension-webhook',
    validate: (value: unknown): Result => parseSection(value),
  },
} as const;

const DM_POLICIES = ['pairing', 'allowlist', 'open', 'disabled'] as const;
const GROUP_POLICIES = ['open', 'disabled', 'allowlist'] as const;
const KNOWN_KEYS = new Set(['enabled', 'name', 'host', 'port', 'secret', 'replyUrl', 'textLimit', 'dmPolicy', 'allowFrom', 'groupPolicy', 'groupAllowFrom', 'groups', 'requireMention']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseSection(input: unknown): Result {
  if (!isRecord(input)) return { issues: [{ message: 'expected an object with at least port, secret and replyUrl', path: [] }] };
  const issues: WebhookConfigIssue[] = [];
  const problem = (key: string, message: string): void => void issues.push({ message, path: [key] });
  for (const key of Object.keys(input)) if (!KNOWN_KEYS.has(key)) problem(key, `unknown key; known keys: ${[...KNOWN_KEYS].join(', ')}`);

  /** The value at `key` if `ok` accepts it; otherwise records a problem (when set) and returns `fallback`. */
  const field = <T>(key: string, ok: (value: unknown) => value is T, expected: string, fallback: T): T => {
    const value = input[key];
    if (value !== undefined && ok(value)) return value;
    if (value !== undefined) problem(key, `expected ${expected}`);
    return fallback;
  };
  const required = (key: string, message: string): void => {
    if (input[key] === undefined) problem(key, `required: ${message}`);
  };

  required('port', 'the port to listen on (0 picks a free one)');
  required('replyUrl', 'the http(s) URL replies are POSTed to');
  // A secret's value is never echoed in a message: it is a credential.
  const secret = input.secret;
  if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) problem('secret', `required: a string of at least ${MIN_SECRET_LENGTH} characters (e.g. "\${WEBHOOK_SECRET}")`);

  const section: WebhookSection = {
    enabled: field('enabled', isBoolean, 'true or false', true),
    name: field('name', isText, 'a non-empty string', undefined),
    host: field('host', isText, 'a host name or IP address', WEBHOOK_DEFAULTS.host),
    port: field('port', isPort, 'an integer from 0 to 65535', 0),
    secret: typeof secret === 'string' ? secret : '',
    replyUrl: field('replyUrl', isHttpUrl, 'an http:// or https:// URL', ''),
    textLimit: field('textLimit', isPositiveInt, 'an integer >= 1', WEBHOOK_DEFAULTS.textLimit),
    dmPolicy: field('dmPolicy', oneOf(DM_POLICIES), DM_POLICIES.join(', '), WEBHOOK_DEFAULTS.dmPolicy),
    allowFrom: field('allowFrom', isIdList, 'a list of sender ids', []).map(String),
    groupPolicy: field('groupPolicy', oneOf(GROUP_POLICIES), GROUP_POLICIES.join(', '), WEBHOOK_DEFAULTS.groupPolicy),
    groupAllowFrom: field('groupAllowFrom', isIdList, 'a list of sender ids', []).map(String),
    groups: field('groups', isRecord, 'an object keyed by chat id or "*"', {}) as WebhookSection['groups'],
    requireMention: field('requireMention', isBoolean, 'true or false', WEBHOOK_DEFAULTS.requireMention),
  };
  return issues.length > 0 ? { issues } : { value: section };
}

const isText = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';
const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';
const isPort = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 65_535;
const isPositiveInt = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 1;
const isIdList = (value: unknown): value is (string | number)[] => Array.isArray(value) && value.every((item) => typeof item === 'string' || typeof item === 'number');
const oneOf =
  <T extends string>(options: readonly T[]) =>
  (value: unknown): value is T =>
    options.includes(value as T);

function isHttpUrl(text: unknown): text is string {
  if (typeof text !== 'string') return false;
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** The section as the gateway's one account, with the access policy the gateway's router enforces. */
export function resolveWebhookAccounts(section: WebhookSection): ChannelAccountConfig<WebhookAccount>[] {
  const access: ChannelAccess = {
    dmPolicy: section.dmPolicy,
    allowFrom: section.allowFrom,
    groupPolicy: section.groupPolicy,
    groupAllowFrom: section.groupAllowFrom,
    groups: section.groups,
    requireMention: section.requireMention,
  };
  return [{ accountId: 'default', config: section, enabled: section.enabled, ...(section.name ? { name: section.name } : {}), access }];
}
