/**
 * `dataperf doctor`: flags and help only; the checks (actions/doctor.ts) are imported when it runs.
 */
import { type Command, Option } from 'commander'
import type { DoctorFlags } from './actions/doctor.js'

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description(
      'check a data folder against the layout and formats the evaluators expect, and say how to fix what is wrong',
    )
    .argument(
      '[dir]',
      'data folder (vision: the folder with task_setup.yaml; speech: the folder with dataperf_{lang}_data/, or one such folder)',
      '.',
    )
    .addOption(
      new Option('--track <track>', 'which benchmark the folder holds (default: detected)').choices([
        'vision',
        'speech',
      ]),
    )
    .option('--setup <path>', 'vision: a task setup YAML elsewhere than DIR/task_setup.yaml')
    .action(async (dir: string, opts: DoctorFlags) => (await import('./actions/doctor.js')).doctor(dir, opts))
}
