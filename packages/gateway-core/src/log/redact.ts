import { isSecretKey as isConfigSecretKey } from '@openclaw/config';

/** What a masked value prints as (the same marker `openclaw config get` uses). */
export const REDACTED = '[redacted]';

/** Known secret values shorter than this are not searched for: they would mask ordinary words. */
export const MIN_SECRET_LENGTH = 8;

/** Masks secrets in log records. Built by {@link createRedactor}. */
export interface Redactor {
  /** The string with every secret value and secret-looking shape replaced by {@link REDACTED}. */
  redactString(text: string): string;
  /** True when a field with this name holds a secret whatever its value (`token`, `apiKey`, `authorization`, …). */
  isSecretKey(key: string): boolean;
}

/** Options of {@link createRedactor}. */
export interface RedactorOptions {
  /**
   * Current secret values (gateway token and password, bot tokens, API keys). Called for every
   * string logged, so a rotated token is covered from its first use: return a cached array,
   * do not read files here.
   */
  secrets?: () => readonly (string | undefined)[];
  /** Extra regular expressions (config `logging.redactPatterns`); every match is masked. */
  patterns?: readonly string[];
  /**
   * Config `logging.redactSensitive` (default true). False turns off the heuristics — key
   * names and well-known shapes — but never the known secret values or explicit `patterns`:
   * the gateway's own credentials have no business in a file under /tmp.
   */
  enabled?: boolean;
}

/** Header and cookie names that carry credentials but do not end in token/secret/key. */
const EXTRA_SECRET_KEY = /^(?:proxy-)?authorization$|^(?:set-)?cookie$|(?:^|-)(?:api-?key|token|secret|password)$|passphrase$|^bearer$/i;

/** No built-in shape matches fewer characters than `?key=x`. */
const MIN_SHAPE_LENGTH = 6;

/**
 * Secret-looking shapes, masked wherever they appear. Each keeps only the part that says
 * what was there (`Bearer `, `?token=`, the public bot id) so logs stay debuggable. The hint
 * is a substring every match contains: testing it first skips most regexes on most strings.
 */
const SHAPES: readonly (readonly [shape: RegExp, replacement: string, hint: string])[] = [
  // PEM private keys (whole block).
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, REDACTED, 'PRIVATE KEY'],
  // Anthropic / OpenAI style keys: sk-…, sk-ant-…, sk-proj-….
  [/(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{16,}/g, REDACTED, 'sk-'],
  // GitHub, Slack and Google API keys.
  [/(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{30,}/g, REDACTED, 'gh'],
  [/(?<![A-Za-z0-9_-])xox[abprs]-[A-Za-z0-9-]{10,}/g, REDACTED, 'xox'],
  [/(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}/g, REDACTED, 'AIza'],
  // Telegram bot tokens, also inside api.telegram.org/bot<token>/ URLs; the bot id is public.
  [/(?<![0-9])([0-9]{6,12}):[A-Za-z0-9_-]{30,}/g, `$1:${REDACTED}`, ':'],
  // JWTs, then Discord bot tokens: three base64url parts.
  [/(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, REDACTED, 'eyJ'],
  [/(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}/g, REDACTED, '.'],
  // Authorization header values. `Basic` needs a digit, `+/=` or an inner capital (base64 is
  // mixed-case) and `Bot` a token-sized word, so prose like "Basic authentication" or "Bot connected" survives.
  [/\b([Bb]earer)\s+[A-Za-z0-9._~+/=-]{8,}/g, `$1 ${REDACTED}`, 'earer'],
  [/\b(Basic)\s+(?=[A-Za-z0-9+/]*[0-9+/=]|[A-Za-z0-9+/]+[A-Z])[A-Za-z0-9+/]{8,}={0,2}/g, `$1 ${REDACTED}`, 'Basic'],
  [/\b(Bot)\s+[A-Za-z0-9._-]{50,}/g, `$1 ${REDACTED}`, 'Bot'],
  // Query and form parameters: ?token=…, &access_token=…, &api_key=…, &password=….
  [/([?&;](?:[A-Za-z_-]*token|api[_-]?key|apikey|key|password|passwd|secret|client_secret|auth|code|sig|signature)=)[^&#\s"'<>]+/gi, `$1${REDACTED}`, '='],
  // Environment-style assignments: OPENCLAW_GATEWAY_TOKEN=…, ANTHROPIC_API_KEY=….
  [/\b([A-Z0-9_]*(?:TOKEN|SECRET|PASSWORD|PASSWD|API_KEY|APIKEY))=(?!\[redacted\])[^\s"'&]+/g, `$1=${REDACTED}`, '='],
  // JSON embedded in strings (response bodies, tool output): "token":"…", "apiKey":"…".
  [/("[A-Za-z0-9_-]*(?:token|secret|password|passwd|api_?key|apikey|authorization|cookie)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi, `$1"${REDACTED}"`, '"'],
];

/**
 * Creates the redactor applied to every record before it reaches a sink: (a) fields with
 * secret-looking names, (b) every occurrence of a known secret value (also URL-encoded),
 * (c) well-known token shapes, (d) user patterns.
 */
export function createRedactor(options: RedactorOptions = {}): Redactor {
  const enabled = options.enabled ?? true;
  const patterns = (options.patterns ?? []).flatMap(compileUserPattern);
  const secrets = options.secrets;
  let cachedKey: string | undefined;
  let cachedRegex: RegExp | undefined;

  const secretRegex = (): RegExp | undefined => {
    const values = (secrets?.() ?? []).filter((s): s is string => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH);
    const key = values.join('\u0000');
    if (key !== cachedKey) {
      cachedKey = key;
      cachedRegex = buildSecretRegex(values);
    }
    return cachedRegex;
  };

  return {
    redactString(text) {
      if (text.length === 0) return text;
      let out = text;
      const known = text.length >= MIN_SECRET_LENGTH ? secretRegex() : undefined;
      if (known) out = out.replace(known, REDACTED);
      if (enabled && out.length >= MIN_SHAPE_LENGTH) {
        for (const [shape, replacement, hint] of SHAPES) if (out.includes(hint)) out = out.replace(shape, replacement);
      }
      for (const pattern of patterns) out = out.replace(pattern, (match) => (match === '' ? match : REDACTED));
      return out;
    },
    isSecretKey: (key) => enabled && (isConfigSecretKey(key) || EXTRA_SECRET_KEY.test(key)),
  };
}

/** One alternation of every secret and its URL-encoded form, longest first so no prefix wins early. */
function buildSecretRegex(values: readonly string[]): RegExp | undefined {
  const alternatives = new Set<string>();
  for (const value of values) {
    alternatives.add(escapeRegex(value));
    const encoded = encodeURIComponent(value);
    // %3A and %3a are the same byte; match both spellings of each escape.
    if (encoded !== value) alternatives.add(escapeRegex(encoded).replace(/%([0-9A-F])([0-9A-F])/g, (_, a: string, b: string) => `%${caseless(a)}${caseless(b)}`));
  }
  if (alternatives.size === 0) return undefined;
  const sorted = [...alternatives].sort((a, b) => b.length - a.length);
  return new RegExp(sorted.join('|'), 'g');
}

function caseless(char: string): string {
  return /[A-F]/.test(char) ? `[${char}${char.toLowerCase()}]` : char;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** Config validation already rejects invalid patterns; one that slips through is skipped, not fatal. */
function compileUserPattern(source: string): RegExp[] {
  try {
    return [new RegExp(source, 'g')];
  } catch {
    return [];
  }
}
