import { ExitCode } from '../exit-codes.ts';
import { printError } from '../output.ts';
import { nonInteractiveCommand } from './onboard-common.ts';
import type { OnboardFlags } from './onboard-common.ts';

/** The interactive wizard: not written yet, so it points at the non-interactive command. */
export async function runWizard(flags: OnboardFlags, _version: string): Promise<void> {
  printError('the onboarding wizard is not available yet', nonInteractiveCommand(flags));
  process.exitCode = ExitCode.usage;
}
