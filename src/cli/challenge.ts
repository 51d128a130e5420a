/** `dataperf challenge pack`: flags and help only; the packing (actions/challenge-pack.ts) is imported when it runs. */
import type { Command } from 'commander'
import { DEFAULT_BASE_URL } from '../organizer/defaults.js'
import type { ChallengePackFlags } from './actions/challenge-pack.js'
import { positiveInt } from './parse.js'

/** Adds the subcommands of `dataperf challenge` to its group command (main.ts registers the group). */
export function registerChallengeCommands(challenge: Command): void {
  challenge
    .command('pack')
    .description(
      'split experiments (dataperf_{lang}_data/, vision/) into OUT/public (zips + parameters.yaml for `dataperf download`) and OUT/challenge (hidden data + challenge.yaml for `dataperf serve`)',
    )
    .argument('<dir>', 'folder holding the experiments made by `dataperf create`')
    .requiredOption('--out <dir>', 'new (or empty) output folder')
    .option(
      '--base-url <url>',
      'where the zips will be hosted (the parameters file names each zip under it)',
      DEFAULT_BASE_URL,
    )
    .option('--name <text>', 'challenge name')
    .option('--description <text>', 'challenge description')
    .option('--start <iso>', 'start of the open phase (default: today 00:00 UTC)')
    .option('--end <iso>', 'end of the open phase (default: 90 days after the start)')
    .option('--daily-limit <n>', 'valid submissions per team per board per UTC day', positiveInt, 3)
    .action(async (dir: string, opts: ChallengePackFlags) =>
      (await import('./actions/challenge-pack.js')).challengePack(dir, opts),
    )
}
