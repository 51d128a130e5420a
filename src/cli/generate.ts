/**
 * `dataperf generate vision|speech`: flags and help only. Each action's module (actions/) is
 * imported when the command runs, so start-up and --help load none of them.
 */
import { type Command, InvalidArgumentError, Option } from 'commander'
import { SPEECH_LANGUAGE_CODES } from '../speech/layout.js'
import { DEFAULT_VISION_POOL_SIZE } from '../synth/defaults.js'
import type { GenerateSpeechFlags } from './actions/generate-speech.js'
import type { GenerateVisionFlags } from './actions/generate-vision.js'
import { nonNegativeInt, positiveInt } from './parse.js'

/** Adds the subcommands of `dataperf generate` to its group command (main.ts registers the group). */
export function registerGenerateCommands(generate: Command): void {
  generate
    .command('vision')
    .description('pool parquet, test sets, example sets, weak-label metadata and task_setup.yaml')
    .requiredOption('--out <dir>', 'output folder')
    .option('--seed <n>', 'random seed', nonNegativeInt, 0)
    .option('--pool-size <n>', 'candidate pool rows', positiveInt, DEFAULT_VISION_POOL_SIZE)
    .action(async (opts: GenerateVisionFlags) => (await import('./actions/generate-vision.js')).generateVision(opts))

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
      `comma-separated languages (${SPEECH_LANGUAGE_CODES.join(', ')})`,
      SPEECH_LANGUAGE_CODES.join(','),
    )
    .addOption(
      new Option('--scale <x>', 'multiply clip counts by x (small benchmarks for tests)')
        .argParser(scaleFactor)
        .default(1)
        .hideHelp(),
    )
    .action(async (opts: GenerateSpeechFlags) => (await import('./actions/generate-speech.js')).generateSpeech(opts))
}

/** --scale: a positive number up to 10. */
function scaleFactor(value: string): number {
  const x = Number(value)
  if (!Number.isFinite(x) || x <= 0 || x > 10)
    throw new InvalidArgumentError(`expected a number in (0, 10], got '${value}'`)
  return x
}
