import { resolve } from 'node:path'
import { Command, Option } from 'commander'
import { UserError } from '../errors.js'
import { writeFileAtomic } from '../io/atomic-write.js'
import { renderComparisonHtml } from '../compare/html-report.js'
import { compareSpeech } from '../compare/speech.js'
import { formatComparisonTable } from '../compare/table.js'
import { compareVision } from '../compare/vision.js'
import { progressReporter } from './progress.js'
import { nonNegativeInt, positiveInt } from './parse.js'

export function registerCompareCommand(program: Command): void {
  program.command('compare')
    .description('run selection algorithms on every task over several generated benchmarks; print a table and write an HTML report')
    .addOption(new Option('--track <track>', 'vision or speech').choices(['vision', 'speech']).makeOptionMandatory())
    .requiredOption('--algorithms <list>', 'comma-separated algorithm names')
    .option('--seeds <n>', 'how many generator seeds', positiveInt, 5)
    .option('--first-seed <n>', 'first generator seed (the default benchmark is seed 0)', nonNegativeInt, 1)
    .option('--out <html>', 'report to write', 'comparison.html')
    .option('--work-dir <dir>', 'where generated benchmarks are kept and reused', 'compare-data')
    .option('--pool-size <n>', 'vision: pool rows per benchmark', positiveInt)
    .addOption(new Option('--scale <x>', 'speech: multiplies clip counts (for quick runs)').argParser(Number).hideHelp())
    .option('--json', 'print the scores as JSON instead of the table')
    .action(async (opts: { track: 'vision' | 'speech'; algorithms: string; seeds: number; firstSeed: number; out: string; workDir: string; poolSize?: number; scale?: number; json?: boolean }) => {
      const algorithms = opts.algorithms.split(',').map((a) => a.trim()).filter(Boolean)
      if (algorithms.length === 0) throw new UserError('--algorithms: give at least one algorithm name')
      const seeds = Array.from({ length: opts.seeds }, (_, i) => opts.firstSeed + i)
      const tty = process.stderr.isTTY === true
      const bar = progressReporter(tty)
      const onProgress = (what: string, done: number, total: number) => {
        if (tty) bar.onProgress('comparing', done, total)
        else process.stderr.write(`[${done}/${total}] ${what}\n`)
      }
      let result
      try {
        const common = { algorithms, seeds, workDir: resolve(opts.workDir), onProgress }
        result = opts.track === 'speech' ? await compareSpeech({ ...common, scale: opts.scale }) : await compareVision({ ...common, poolSize: opts.poolSize })
      } finally {
        bar.stop()
      }
      writeFileAtomic(opts.out, renderComparisonHtml(result))
      if (opts.json) process.stdout.write(JSON.stringify({ ...result, projection: undefined, report: resolve(opts.out) }, null, 2) + '\n')
      else process.stdout.write(`${formatComparisonTable(result)}\nReport: ${resolve(opts.out)}\n`)
    })
}
