/**
 * `dataperf compare`: flags and help only; the runs and reports (actions/compare.ts) are imported
 * when it runs.
 */
import { type Command, Option } from 'commander'
import type { CompareFlags } from './actions/compare.js'
import { VISION_POOL_SIZE_RULE, SPEECH_SCALE_RULE } from '../synth/defaults.js'
import { numberFlag, seed } from './parse.js'

export function registerCompareCommand(program: Command): void {
  program
    .command('compare')
    .description(
      'run selection algorithms on every task over several generated benchmarks; print a table and write an HTML report',
    )
    .addOption(
      new Option('--track <track>', 'vision or speech (with --sweep: run only that section)').choices([
        'vision',
        'speech',
      ]),
    )
    .option('--algorithms <list>', 'comma-separated algorithm names')
    .option(
      '--sweep <yaml>',
      'run over a grid of generator settings (see sweeps/default.yaml); prints a table per track and writes the HTML report (--out) and a .txt beside it',
    )
    .option('--seeds <n>', 'how many generator seeds', numberFlag({ integer: true, min: 1, max: 1000 }), 5)
    .option('--first-seed <n>', 'first generator seed (the default benchmark is seed 0)', seed, 1)
    .option('--out <html>', 'report to write', 'comparison.html')
    .option('--work-dir <dir>', 'where generated benchmarks are kept and reused', 'compare-data')
    .option('--pool-size <n>', 'vision: pool rows per benchmark', numberFlag(VISION_POOL_SIZE_RULE))
    .addOption(
      new Option('--scale <x>', 'speech: multiplies clip counts (for quick runs)')
        .argParser(numberFlag(SPEECH_SCALE_RULE))
        .hideHelp(),
    )
    .option('--json', 'print the scores as JSON instead of the table')
    .action(async (opts: CompareFlags, cmd: Command) => (await import('./actions/compare.js')).compare(opts, cmd))
}
