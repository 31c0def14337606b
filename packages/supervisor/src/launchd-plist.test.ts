import { describe, expect, it } from 'vitest';
import { escapeXml, launchdLabel, launchdPlistPath, renderLaunchdPlist } from './launchd-plist.ts';
import type { LaunchdPlistInput } from './launchd-plist.ts';

type Plist = string | boolean | number | Plist[] | { [key: string]: Plist };

const unescape = (text: string): string =>
  text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&apos;', "'").replaceAll('&amp;', '&');

/**
 * A rough plist reader: tokenizes the tags, checks that every open tag is closed in order,
 * and builds the value. Enough to prove the text is well-formed and says what we meant.
 */
function parsePlist(xml: string): Plist {
  const body = xml.replace(/^<\?xml[^>]*\?>\s*<!DOCTYPE[^>]*>\s*/, '');
  const tokens = [...body.matchAll(/<(\/?)([a-z]+)(?:\s[^>]*)?(\/?)>|([^<]+)/g)];
  let i = 0;
  function value(): Plist {
    const [, close, tag, selfClosing] = tokens[i++] ?? [];
    if (close || tag === undefined) throw new Error(`unexpected token at ${i}`);
    if (selfClosing) {
      if (tag === 'true' || tag === 'false') return tag === 'true';
      throw new Error(`unexpected <${tag}/>`);
    }
    let out: Plist;
    if (tag === 'plist') out = value();
    else if (tag === 'dict') {
      const dict: Record<string, Plist> = {};
      while (tokens[i]?.[2] === 'key' && !tokens[i]?.[1]) {
        i++;
        const key = unescape(tokens[i++]?.[4] ?? '');
        expect(tokens[i++]?.slice(1, 3)).toEqual(['/', 'key']);
        dict[key] = value();
      }
      out = dict;
    } else if (tag === 'array') {
      const items: Plist[] = [];
      while (!(tokens[i]?.[1] === '/' && tokens[i]?.[2] === 'array')) items.push(value());
      out = items;
    } else {
      const raw = tokens[i]?.[4] === undefined ? '' : (tokens[i++]?.[4] ?? '');
      // Unescaped markup or a bare & would make the file unreadable to launchd.
      expect(raw).not.toMatch(/>|&(?!(amp|lt|gt|quot|apos);)/);
      out = tag === 'integer' ? Number(raw) : unescape(raw);
    }
    const end = tokens[i++];
    if (end?.[1] !== '/' || end[2] !== tag) throw new Error(`<${tag}> is not closed`);
    return out;
  }
  const skipSpace = () => tokens.filter((t) => t[4] === undefined || t[4].trim() !== '');
  tokens.splice(0, tokens.length, ...skipSpace());
  const result = value();
  expect(i).toBe(tokens.length);
  return result;
}

const input = (): LaunchdPlistInput => ({
  version: '2026.2.1',
  nodePath: '/opt/homebrew/bin/node',
  entryPath: '/Users/a & b/<app>/dist/openclaw.js',
  port: 18789,
  memoryMb: 16_384,
  logDir: '/Users/a & b/.openclaw/logs',
  env: { NOTE: 'fish & "chips" <3' },
});

describe('renderLaunchdPlist', () => {
  it('is well-formed and carries the program, keep-alive, logs and environment', () => {
    const plist = parsePlist(renderLaunchdPlist(input()));
    expect(plist).toEqual({
      Label: 'ai.openclaw.gateway',
      Comment: 'OpenClaw gateway (v2026.2.1)',
      RunAtLoad: true,
      KeepAlive: true,
      ThrottleInterval: 10,
      Umask: 0o077,
      ProgramArguments: ['/opt/homebrew/bin/node', '/Users/a & b/<app>/dist/openclaw.js', 'gateway', '--port', '18789'],
      StandardOutPath: '/Users/a & b/.openclaw/logs/gateway.log',
      StandardErrorPath: '/Users/a & b/.openclaw/logs/gateway.err.log',
      EnvironmentVariables: {
        NOTE: 'fish & "chips" <3',
        PATH: '/opt/homebrew/bin:/usr/local/bin:/usr/bin:/bin',
        NODE_OPTIONS: '--max-old-space-size=2048',
        OPENCLAW_LAUNCHD_LABEL: 'ai.openclaw.gateway',
        OPENCLAW_SERVICE_MARKER: 'openclaw',
        OPENCLAW_SERVICE_KIND: 'gateway',
        OPENCLAW_SERVICE_VERSION: '2026.2.1',
      },
    });
  });

  it('escapes & < > in the text', () => {
    const text = renderLaunchdPlist(input());
    expect(text).toContain('<string>/Users/a &amp; b/&lt;app&gt;/dist/openclaw.js</string>');
    expect(text).toContain('<string>fish &amp; &quot;chips&quot; &lt;3</string>');
    expect(escapeXml(`<a href="x">&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;');
  });

  it('names a profile agent and refuses what systemd refuses', () => {
    const plist = parsePlist(renderLaunchdPlist({ ...input(), profile: 'work', stateDir: '/Users/a/.openclaw-work' })) as Record<string, Plist>;
    expect(plist.Label).toBe('ai.openclaw.work');
    expect(plist.EnvironmentVariables).toMatchObject({ OPENCLAW_PROFILE: 'work', OPENCLAW_STATE_DIR: '/Users/a/.openclaw-work' });
    expect(launchdLabel('default')).toBe('ai.openclaw.gateway');
    expect(launchdPlistPath('/Users/a', 'work')).toBe('/Users/a/Library/LaunchAgents/ai.openclaw.work.plist');
    expect(() => renderLaunchdPlist({ ...input(), logDir: 'logs' })).toThrow(expect.objectContaining({ code: 'SUPERVISOR_INVALID_INPUT' }));
    expect(() => renderLaunchdPlist({ ...input(), env: { SLACK_BOT_TOKEN: 'x' } })).toThrow(expect.objectContaining({ code: 'SUPERVISOR_SECRET_IN_UNIT' }));
  });
});
