import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createFileSink } from './file-sink.ts';
import { createLogger } from './logger.ts';
import { createRedactor } from './redact.ts';
import { tailLog } from './tail.ts';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// Acceptance check: after a run with a token, grep of the log finds no token.
it('after a run with a token, no byte of the log files contains it', async () => {
  dir = mkdtempSync(join(tmpdir(), 'oc-leak-'));
  let now = new Date(2026, 1, 3, 23, 59).getTime();
  const clock = () => now;
  let gatewayToken = randomBytes(24).toString('base64url');
  const botToken = `${700000000 + randomBytes(2).readUInt16BE()}:${randomBytes(26).toString('base64url')}`;
  const apiKey = `custom-${randomBytes(16).toString('hex')}`;
  const issued = [gatewayToken, botToken, apiKey];
  const redactor = createRedactor({ secrets: () => [gatewayToken, botToken, apiKey] });
  const sink = createFileSink({ dir, clock, maxFileBytes: 4096 });
  const log = createLogger({ level: 'trace', sinks: [sink], clock, redactor });
  const conn = log.child({ module: 'ws', auth: gatewayToken });

  conn.info(`hello with token ${gatewayToken}`);
  conn.debug('connect params', { params: { auth: { token: gatewayToken }, client: { id: 'cli' } }, list: [[{ deep: `x${gatewayToken}x` }]] });
  conn.info('dashboard', { url: `http://127.0.0.1:18789/?token=${gatewayToken}`, encoded: `t=${encodeURIComponent(botToken)}` });
  log.warn('telegram poll failed', { err: new Error(`GET https://api.telegram.org/bot${botToken}/getUpdates: 409`, { cause: new Error(`key ${apiKey} rejected`) }) });
  log.error(`provider said: invalid x-api-key ${apiKey}`, { headers: new Map([['x-api-key', apiKey]]), body: JSON.stringify({ apiKey }) });
  log.trace('env', { line: `OPENCLAW_GATEWAY_TOKEN=${gatewayToken}`, [`key-${apiKey}`]: 1 });
  // Rotation mid-run: the new token is covered from its first use.
  gatewayToken = randomBytes(24).toString('base64url');
  issued.push(gatewayToken);
  log.info(`rotated to ${gatewayToken}`);
  now += 2 * 60_000; // past midnight: the run spans two files
  for (let i = 0; i < 100; i += 1) log.info(`chatty ${i} ${gatewayToken}`, { payload: 'p'.repeat(100) }); // and overflow files
  log.close();

  const files = readdirSync(dir);
  expect(files.length).toBeGreaterThanOrEqual(3);
  const bytes = Buffer.concat(files.map((f) => readFileSync(join(dir ?? '', f))));
  expect(bytes.toString()).toContain('[redacted]');
  for (const secret of issued) {
    for (const form of new Set([secret, encodeURIComponent(secret), secret.slice(-16)])) {
      expect(bytes.includes(form), `found ${form.length}-char form of a secret`).toBe(false);
    }
  }
  const tail = await tailLog({ dir, clock, limit: 5000 });
  expect(tail.lines.join('\n')).not.toContain(gatewayToken);
});
