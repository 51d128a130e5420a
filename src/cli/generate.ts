import { Command } from 'commander'
import { generateVisionBenchmark, DEFAULT_VISION_POOL_SIZE } from '../synth/vision.js'
import { progressReporter } from './progress.js'
import { nonNegativeInt, positiveInt } from './parse.js'

export function registerGenerateCommands(program: Command): void {
  const generate = program.command('generate').description('write a deterministic synthetic benchmark in the official layout')

  generate.command('vision')
    .description('pool parquet, test sets, example sets, weak-label metadata and task_setup.yaml')
    .requiredOption('--out <dir>', 'output folder')
    .option('--seed <n>', 'random seed', nonNegativeInt, 0)
    .option('--pool-size <n>', 'candidate pool rows', positiveInt, DEFAULT_VISION_POOL_SIZE)
    .action((opts: { out: string; seed: number; poolSize: number }) => {
      const progress = progressReporter()
      try {
        const summary = generateVisionBenchmark({ out: opts.out, seed: opts.seed, poolSize: opts.poolSize, onProgress: progress.onProgress })
        progress.stop()
        const positives = Object.entries(summary.positivesPerTask).map(([t, n]) => `${t} ${n}`).join(', ')
        process.stdout.write(`Wrote a vision benchmark to ${opts.out}: pool of ${summary.poolSize} (positives: ${positives}); ` +
          `test sets: ${Object.entries(summary.testSizes).map(([t, n]) => `${t} ${n}`).join(', ')}\n`)
      } finally {
        progress.stop()
      }
    })
}
