import { join } from 'node:path';
import { LAUNCHD_PATH, checkAbsolutePath, profileName, programArguments, serviceDescription, serviceEnvironment } from './service.ts';
import type { ServiceInput } from './service.ts';

/** Input of {@link renderLaunchdPlist}: the service input plus where launchd writes output. */
export interface LaunchdPlistInput extends ServiceInput {
  /** Directory of `gateway.log` and `gateway.err.log`, usually `<stateDir>/logs` (launchd has no journal). */
  logDir: string;
}

/** `ai.openclaw.gateway`, or `ai.openclaw.<profile>`. */
export function launchdLabel(profile?: string): string {
  const name = profileName(profile);
  return name === undefined ? 'ai.openclaw.gateway' : `ai.openclaw.${name}`;
}

/** Where the agent lives: `<home>/Library/LaunchAgents/<label>.plist`. */
export function launchdPlistPath(home: string, profile?: string): string {
  return join(home, 'Library', 'LaunchAgents', `${launchdLabel(profile)}.plist`);
}

/** XML text escaping; plist strings hold anything else verbatim. */
export function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&apos;');
}

const string = (value: string): string => `<string>${escapeXml(value)}</string>`;

/**
 * The text of the gateway's launchd agent for macOS: the same program, environment and
 * markers as the systemd unit, kept alive by launchd. macOS has no journal, so output goes
 * to `logDir`; launchd has no equivalent of `RestartPreventExitStatus`, and its own
 * throttle (10 s between launches) stands in for the start-rate limit.
 */
export function renderLaunchdPlist(input: LaunchdPlistInput): string {
  const label = launchdLabel(input.profile);
  const environment = serviceEnvironment(input, { OPENCLAW_LAUNCHD_LABEL: label }, LAUNCHD_PATH);
  checkAbsolutePath('logDir', input.logDir);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    '<dict>',
    `  <key>Label</key>${string(label)}`,
    `  <key>Comment</key>${string(serviceDescription(input))}`,
    '  <key>RunAtLoad</key><true/>',
    '  <key>KeepAlive</key><true/>',
    '  <key>ThrottleInterval</key><integer>10</integer>',
    '  <key>Umask</key><integer>63</integer>',
    '  <key>ProgramArguments</key>',
    '  <array>',
    ...programArguments(input).map((arg) => `    ${string(arg)}`),
    '  </array>',
    `  <key>StandardOutPath</key>${string(join(input.logDir, 'gateway.log'))}`,
    `  <key>StandardErrorPath</key>${string(join(input.logDir, 'gateway.err.log'))}`,
    '  <key>EnvironmentVariables</key>',
    '  <dict>',
    ...environment.map(([key, value]) => `    <key>${escapeXml(key)}</key>${string(value)}`),
    '  </dict>',
    '</dict>',
    '</plist>',
    '',
  ];
  return lines.join('\n');
}
