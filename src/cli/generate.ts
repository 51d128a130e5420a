import { join } from 'node:path'
import { Command, InvalidArgumentError, Option } from 'commander'
import { generateVisionBenchmark, DEFAULT_VISION_POOL_SIZE } from '../synth/vision.js'
import { generateSpeechBenchmark } from '../synth/speech.js'
import { parseSpeechLanguages, SPEECH_LANGUAGE_CODES as SPEECH_LANGUAGES } from '../speech/layout.js'
import { progressReporter } from './progress.js'
import { nonNegativeInt, positiveInt } from './parse.js'

export function registerGenerateCommands(program: Command): void {
  const generate = program
    .command('generate')
    .description('write a deterministic synthetic benchmark in the official layout')

  generate
    .command('vision')
    .description('pool parquet, test sets, example sets, weak-label metadata and task_setup.yaml')
    .requiredOption('--out <dir>', 'output folder')
    .option('--seed <n>', 'random seed', nonNegativeInt, 0)
    .option('--pool-size <n>', 'candidate pool rows', positiveInt, DEFAULT_VISION_POOL_SIZE)
    .action((opts: { out: string; seed: number; poolSize: number }) => {
      const progress = progressReporter()
      try {
        const summary = generateVisionBenchmark({
          out: opts.out,
          seed: opts.seed,
          poolSize: opts.poolSize,
          onProgress: progress.onProgress,
        })
        progress.stop()
        const positives = Object.entries(summary.positivesPerTask)
          .map(([t, n]) => `${t} ${n}`)
          .join(', ')
        process.stdout.write(
          `Wrote a vision benchmark to ${opts.out}: pool of ${summary.poolSize} (positives: ${positives}); ` +
            `test sets: ${Object.entries(summary.testSizes)
              .map(([t, n]) => `${t} ${n}`)
              .join(', ')}\n`,
        )
      } finally {
        progress.stop()
      }
    })

  generate
    .command('speech')
    .description(
      'per language: train/eval embeddings (one parquet per word), allowed_training_set.yaml, eval.yaml; and dataperf_speech_config.yaml beside --out',
    )
    .requiredOption(
      '--out <dir>',
      'data folder, e.g. workspace/data (dataperf_{lang}_data/ go inside; the config goes into its parent)',
    )
    .option('--seed <n>', 'random seed', nonNegativeInt, 0)
    .option(
      '--languages <list>',
      `comma-separated languages (${SPEECH_LANGUAGES.join(', ')})`,
      SPEECH_LANGUAGES.join(','),
    )
    .addOption(
      new Option('--scale <x>', 'multiply clip counts by x (small benchmarks for tests)')
        .argParser(scaleFactor)
        .default(1)
        .hideHelp(),
    )
    .action((opts: { out: string; seed: number; languages: string; scale: number }) => {
      const languages = parseSpeechLanguages(opts.languages)
      const progress = progressReporter()
      try {
        const summary = generateSpeechBenchmark({
          out: opts.out,
          seed: opts.seed,
          languages,
          scale: opts.scale,
          onProgress: progress.onProgress,
        })
        progress.stop()
        for (const l of summary.languages) {
          const targets = l.targets.map((t) => `${t.word} ${t.train}/${t.eval}`).join(', ')
          process.stdout.write(
            `Wrote ${join(opts.out, l.folder)}: targets (train/eval clips) ${targets}; ` +
              `nontarget keywords ${l.nontargetKeywords.train} train (${l.nontargetClips.train} clips), ${l.nontargetKeywords.eval} unseen in eval (${l.nontargetClips.eval} clips); ` +
              `${l.mislabeled} mislabeled and ${l.misaligned} misaligned target training clips\n`,
          )
        }
        if (summary.config.written) process.stdout.write(`Wrote ${summary.config.path}\n`)
        else process.stdout.write(`Note: kept the existing ${summary.config.path}\n`)
      } finally {
        progress.stop()
      }
    })
}

/** --scale: a positive number up to 10. */
function scaleFactor(value: string): number {
  const x = Number(value)
  if (!Number.isFinite(x) || x <= 0 || x > 10)
    throw new InvalidArgumentError(`expected a number in (0, 10], got '${value}'`)
  return x
}
