/**
 * `dataperf submit` and `dataperf leaderboard`: flags and help only; the client (actions/submit.ts)
 * is imported when they run.
 */
import { type Command, Option } from 'commander'
import type { LeaderboardFlags, SubmitFlags } from './actions/submit.js'

export function registerSubmitCommands(program: Command): void {
  program
    .command('submit')
    .description('upload a training set to a leaderboard server, wait for its score and print it with the rank')
    .argument('<files...>', 'speech: {lang}_{size}_train.json; vision: one <Task>.csv per task')
    .requiredOption('--server <url>', 'the server, e.g. http://127.0.0.1:8080')
    .option('--token <token>', 'an API token (default $DATAPERF_TOKEN)')
    .requiredOption('--board <id>', 'the board, e.g. en-25')
    .option('--method <name>', "the method's name shown on the board (default: the first file's name)")
    .option('--description <text>', 'a description of the method')
    .option('--link <url>', 'a link to the code or paper')
    .option('--no-wait', 'return once the submission is queued')
    .option('--json', 'print the final submission as JSON')
    .action(async (paths: string[], opts: SubmitFlags) => (await import('./actions/submit.js')).submit(paths, opts))

  program
    .command('leaderboard')
    .description('print a board of a leaderboard server as a table (or CSV / JSON)')
    .requiredOption('--server <url>', 'the server, e.g. http://127.0.0.1:8080')
    .requiredOption('--board <id>', 'the board')
    .option('--phase <name>', 'another phase than the current one')
    .option('--token <token>', 'an API token (needed for hidden boards; default $DATAPERF_TOKEN)')
    .addOption(new Option('--format <format>', 'output').choices(['table', 'csv', 'json']).default('table'))
    .action(async (opts: LeaderboardFlags) => (await import('./actions/submit.js')).leaderboard(opts))
}
