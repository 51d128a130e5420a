import { Command } from 'commander'
import { packChallenge, DEFAULT_BASE_URL } from '../organizer/pack.js'
import { positiveInt } from './parse.js'

/** `dataperf challenge pack`: the public bundle and the server's challenge folder from experiments. */
export function registerChallengeCommands(program: Command): void {
  const challenge = program.command('challenge').description('organizers: publish experiments as a challenge')
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
    .action(
      async (
        dir: string,
        opts: {
          out: string
          baseUrl: string
          name?: string
          description?: string
          start?: string
          end?: string
          dailyLimit: number
        },
      ) => {
        const p = await packChallenge({ dir, ...opts })
        for (const z of p.zips)
          process.stdout.write(`public/${z.name}: ${z.entries} files, ${z.size} bytes, sha256 ${z.sha256}\n`)
        process.stdout.write(
          `Wrote ${p.out}/public (upload the zips, then set the URLs in parameters.yaml) and ${p.out}/challenge ` +
            `(boards ${p.boards.join(', ')}; ${p.hiddenIds.speech} eval clips and ${p.hiddenIds.vision} test images kept off the public bundle)\n`,
        )
      },
    )
}
