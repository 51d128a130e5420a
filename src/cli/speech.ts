/**
 * `dataperf speech eval|select`: flags and help only. Each action's module (actions/) is imported
 * when the command runs, so start-up and --help load none of them.
 */
import { type Command, Option } from 'commander'
import { SPEECH_LANGUAGE_CODES } from '../speech/layout.js'
import { SPEECH_SELECTION_NAMES } from '../speech/select/names.js'
import type { SpeechEvalFlags } from './actions/speech-eval.js'
import type { SpeechSelectFlags } from './actions/speech-select.js'
import { MAX_MEMORY_RULE, numberFlag, positiveInt, positiveSeconds } from './parse.js'
import { DEFAULT_MAX_MEMORY_MB } from '../plugins/memory.js'

/** Adds the subcommands of `dataperf speech` to its group command (main.ts registers the group). */
export function registerSpeechCommands(speech: Command): void {
  speech
    .command('eval')
    .description(
      'score {lang}_{size}_train.json as the official eval.py: soft-voting SVC + LR, macro F1 per seed and their mean',
    )
    .option('--language <lang>', `one of ${SPEECH_LANGUAGE_CODES.join(', ')}`)
    .option('--train_size <n>', 'size cap of the leaderboard (25 or 60)', positiveInt)
    .option('--eval_embeddings_dir <dir>', 'default workspace/data/dataperf_{lang}_data/eval_embeddings')
    .option('--train_embeddings_dir <dir>', 'default workspace/data/dataperf_{lang}_data/train_embeddings')
    .option('--allowed_training_set <yaml>', 'default workspace/data/dataperf_{lang}_data/allowed_training_set.yaml')
    .option('--eval_file <yaml>', 'default workspace/data/dataperf_{lang}_data/eval.yaml')
    .option('--train_file <json>', 'default workspace/{lang}_{size}_train.json')
    .option('--config_file <yaml>', 'default workspace/dataperf_speech_config.yaml')
    .option('--all', 'score all six leaderboards (en, id, pt x 25, 60) from the default paths')
    .option('--json', 'print one JSON document instead of the official text')
    .action(async (flags: SpeechEvalFlags) => (await import('./actions/speech-eval.js')).speechEval(flags))

  speech
    .command('select')
    .description(
      'write {outdir}/{lang}_{size}_train.json with the configured selection algorithm, as python -m selection.main',
    )
    .requiredOption('--language <lang>', `one of ${SPEECH_LANGUAGE_CODES.join(', ')}`)
    .option('--train_size <n>', 'the most clips to select', positiveInt, 60)
    .option('--allowed_training_set <yaml>', 'default workspace/data/dataperf_{lang}_data/allowed_training_set.yaml')
    .option('--train_embeddings_dir <dir>', 'default workspace/data/dataperf_{lang}_data/train_embeddings')
    .option('--audio_dir <dir>', 'MSWC 16 kHz wav files; each clip then carries its audio')
    .option(
      '--config_file <yaml>',
      'default workspace/dataperf_speech_config.yaml (selection_algorithm_module: a built-in or a .ts/.js path)',
    )
    .option('--outdir <dir>', 'output folder (must exist)', 'workspace')
    .addOption(
      new Option('--algorithm <name>', 'a built-in selection, overriding the config').choices(SPEECH_SELECTION_NAMES),
    )
    .option(
      '--timeout <seconds>',
      'stop the selection if it has not finished after this many seconds (default: no limit)',
      positiveSeconds,
    )
    .option(
      '--max-memory <MB>',
      `stop the selection if it uses more memory than this (default ${DEFAULT_MAX_MEMORY_MB})`,
      numberFlag(MAX_MEMORY_RULE),
    )
    .action(async (flags: SpeechSelectFlags) => (await import('./actions/speech-select.js')).speechSelect(flags))
}
