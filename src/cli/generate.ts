/**
 * `dataperf generate vision|speech`: flags and help only. Each action's module (actions/) is
 * imported when the command runs, so start-up and --help load none of them.
 */
import { type Command, Option } from 'commander'
import { SPEECH_LANGUAGE_CODES } from '../speech/layout.js'
import { DEFAULT_VISION_POOL_SIZE, SPEECH_SCALE_RULE, VISION_POOL_SIZE_RULE } from '../synth/defaults.js'
import type { GenerateSpeechFlags } from './actions/generate-speech.js'
import type { GenerateVisionFlags } from './actions/generate-vision.js'
import { numberFlag, seed } from './parse.js'

/** Adds the subcommands of `dataperf generate` to its group command (main.ts registers the group). */
export function registerGenerateCommands(generate: Command): void {
  generate
    .command('vision')
    .description('pool parquet, test sets, example sets, weak-label metadata and task_setup.yaml')
    .requiredOption('--out <dir>', 'output folder')
    .option('--seed <n>', 'random seed', seed, 0)
    .option('--pool-size <n>', 'candidate pool rows', numberFlag(VISION_POOL_SIZE_RULE), DEFAULT_VISION_POOL_SIZE)
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
    .option('--seed <n>', 'random seed', seed, 0)
    .option(
      '--languages <list>',
      `comma-separated languages (${SPEECH_LANGUAGE_CODES.join(', ')})`,
      SPEECH_LANGUAGE_CODES.join(','),
    )
    .addOption(
      new Option('--scale <x>', 'multiply clip counts by x (small benchmarks for tests)')
        .argParser(numberFlag(SPEECH_SCALE_RULE))
        .default(1)
        .hideHelp(),
    )
    .action(async (opts: GenerateSpeechFlags) => (await import('./actions/generate-speech.js')).generateSpeech(opts))
}
