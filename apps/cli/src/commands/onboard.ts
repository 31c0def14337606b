import { resolvePaths } from '@openclaw/config';
import { ExitCode } from '../exit-codes.ts';
import { print, printError, printJson } from '../output.ts';
import { OnboardRefusal, RISK_TEXT, checkNode, checkUserBus, dashboardLine, installDaemon, nonInteractiveCommand, printItems, refuse, answersFromFlags, summaryJson } from './onboard-common.ts';
import type { OnboardFlags } from './onboard-common.ts';
import { applyPlan, planOnboarding, readExisting } from './onboard-plan.ts';

export type { OnboardFlags } from './onboard-common.ts';

async function nonInteractive(flags: OnboardFlags, version: string): Promise<void> {
  if (!flags.acceptRisk) {
    refuse(`--non-interactive needs --accept-risk. ${RISK_TEXT}`, `${nonInteractiveCommand(flags)}   (run \`openclaw onboard\` in a terminal for the guided version)`);
  }
  const answers = answersFromFlags(flags);
  checkNode();
  if (flags.installDaemon && !(await checkUserBus(flags.json))) return;
  const plan = planOnboarding(readExisting(resolvePaths(process.env)), answers, refuse);
  const written = await applyPlan(plan);
  if (!flags.json) {
    print(`OpenClaw onboarding: ${plan.existing.paths.stateDir} (0700)`);
    printItems(plan, written);
  }
  const daemon = flags.installDaemon ? await installDaemon(flags.json, version) : null;
  if (flags.json) {
    printJson(summaryJson(plan, written, daemon));
    return;
  }
  print();
  print(dashboardLine(true));
  print(flags.installDaemon ? 'Next: openclaw gateway status   (the service is installed and running)' : 'Next: openclaw gateway   (runs it in the foreground; `openclaw gateway install` makes it a service)');
}

/**
 * `openclaw onboard`: the wizard on a terminal, or `--non-interactive --accept-risk` with
 * flags. Everything is written at the end, after validation; what exists is kept.
 */
export async function onboardCommand(flags: OnboardFlags, version: string): Promise<void> {
  try {
    await onboard(flags, version);
  } catch (error) {
    if (!(error instanceof OnboardRefusal)) throw error;
    if (flags.json) printJson({ ok: false, error: error.message, fix: error.fix });
    else printError(error.message, error.fix);
    process.exitCode = ExitCode.usage;
  }
}

async function onboard(flags: OnboardFlags, version: string): Promise<void> {
  if (flags.nonInteractive) return nonInteractive(flags, version);
  if (flags.json) refuse('--json is for --non-interactive runs; the wizard talks to a person', nonInteractiveCommand(flags));
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    printError('onboard asks questions, but this is not a terminal (stdin or stdout is redirected)', `run it in a terminal, or: ${nonInteractiveCommand(flags)}`);
    process.exitCode = ExitCode.usage;
    return;
  }
  const { runWizard } = await import('./onboard-wizard.ts');
  await runWizard(flags, version);
}
