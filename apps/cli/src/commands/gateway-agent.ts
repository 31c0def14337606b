// The agent part of `openclaw gateway`: a runtime over the gateway's session stores and the
// chat methods that drive it. Provider SDKs load on the first run, not here.
import type { Env, OpenClawConfig } from '@openclaw/config';
import { AgentRuntime, registerChatMethods } from '@openclaw/agent';
import type { Gateway, GatewayLogger } from '@openclaw/gateway-core';
import type { SessionStore } from '@openclaw/state';

/** What the gateway hands the agent. */
export interface GatewayAgentOptions {
  config: OpenClawConfig;
  stateDir: string;
  env: Env;
  sessions: (agentId: string) => SessionStore;
  logger: GatewayLogger;
}

/** Creates the runtime and registers `chat.*`, `agent` and `agent.wait`; stop it with `runtime.close()`. */
export function attachAgent(gateway: Pick<Gateway, 'registerMethod' | 'broadcast'>, options: GatewayAgentOptions): AgentRuntime {
  const runtime = new AgentRuntime({
    stateDir: options.stateDir,
    config: () => options.config,
    env: options.env,
    sessions: options.sessions,
    logger: options.logger.child({ module: 'agent' }),
  });
  registerChatMethods(gateway, runtime);
  return runtime;
}
