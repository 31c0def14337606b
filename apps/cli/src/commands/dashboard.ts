import { hostname, userInfo } from 'node:os';
import { createExecFile, dashboardUrl, resolveGatewayAuth, tailscaleIPv4 } from '@openclaw/gateway-core';
import { print } from '../output.ts';
import { asConfigError, loadValidConfig } from './gateway.ts';

/** Flags of `openclaw dashboard`. `--no-open` is accepted for compatibility: no browser is ever opened. */
export interface DashboardFlags {
  open?: boolean;
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'user';
  }
}

/**
 * `openclaw dashboard`: prints the dashboard URL with the token (`?token=…`, URL-encoded),
 * built from the config and environment without contacting the gateway, and how to reach
 * it from another machine through an SSH tunnel. A server has no browser to open.
 */
export async function dashboardCommand(_flags: DashboardFlags): Promise<void> {
  const loaded = loadValidConfig();
  const gateway = loaded.config.gateway;
  const auth = resolveGatewayAuth(gateway, { env: loaded.env.values });
  let url: string;
  try {
    const tailnetIp = gateway.bind === 'tailnet' ? await tailscaleIPv4(createExecFile()) : undefined;
    url = dashboardUrl({
      bind: gateway.bind,
      customBindHost: gateway.customBindHost,
      tailnetIp,
      port: gateway.port,
      basePath: gateway.controlUi.basePath,
      token: auth.mode === 'token' ? auth.token : undefined,
    });
  } catch (error) {
    throw asConfigError(error);
  }
  print(`Dashboard URL: ${url}`);
  if (!gateway.controlUi.enabled) print('Note: the dashboard is disabled (gateway.controlUi.enabled is false); enable it with: openclaw config set gateway.controlUi.enabled true');
  if (auth.mode === 'password') print('The dashboard will ask for the gateway password (gateway.auth.password).');
  else if (!auth.token) print('No gateway token is configured: the dashboard connects without one on loopback.');
  const port = gateway.port;
  if (gateway.bind === 'tailnet' || gateway.bind === 'custom') {
    print(`Open it from any machine that can reach ${new URL(url).hostname}; use https (tailscale serve) when it crosses a network you do not trust.`);
  } else {
    print(`From another machine: ssh -N -L ${port}:127.0.0.1:${port} ${currentUser()}@${hostname()}`);
    print("then open the URL above in that machine's browser.");
  }
}
