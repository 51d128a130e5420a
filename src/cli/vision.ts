/**
 * `dataperf vision eval|select|run`: flags and help only. Each action's module (actions/) is
 * imported when the command runs, so start-up and --help load none of them.
 */
import { type Command, Option } from 'commander'
import { MAX_TRAINING_ROWS, OPEN_IMAGES_HUMAN_LABELS } from '../vision/layout.js'
import { VISION_SELECTOR_NAMES } from '../vision/select/names.js'
import type { VisionEvalFlags } from './actions/vision-eval.js'
import type { VisionRunFlags } from './actions/vision-run.js'
import type { VisionSelectFlags } from './actions/vision-select.js'
import { VISION_POOL_SIZE_RULE } from '../synth/defaults.js'
import { MAX_MEMORY_RULE, numberFlag, positiveInt, positiveSeconds, seed } from './parse.js'
import { DEFAULT_MAX_MEMORY_MB } from '../plugins/memory.js'

/** Adds the subcommands of `dataperf vision` to its group command (main.ts registers the group). */
export function registerVisionCommands(vision: Command): void {
  vision
    .command('eval')
    .description("score each task's training set as the official evaluator does; writes results_dir/result_UTC-*.json")
    .option(
      '--setup <path>',
      'task setup YAML with the official keys (default: ./task_setup.yaml, else <data-dir>/task_setup.yaml)',
    )
    .addOption(new Option('--setup_yaml_path <path>', 'the official flag name for --setup').hideHelp())
    .option('--data-dir <dir>', 'overrides data_dir of the setup file')
    .option(
      '--max-train-rows <n>',
      'the challenge allows 1,000 rows per task; raise for experiments',
      positiveInt,
      MAX_TRAINING_ROWS,
    )
    .option('--json', 'print one JSON document (results, file paths) instead of the official text')
    .action(async (opts: VisionEvalFlags) => (await import('./actions/vision-eval.js')).visionEval(opts))

  vision
    .command('select')
    .description('build a training set for one task with a selection algorithm; writes ImageID,Confidence CSV')
    .requiredOption('--task <name>', 'task name from eval_tasks')
    .requiredOption('--out <csv>', 'training set to write')
    .option(
      '--algorithm <name|path>',
      `a built-in (${VISION_SELECTOR_NAMES.join(', ')}) or a .ts/.js selection module of your own (see README)`,
      'weak-labels',
    )
    .option('--setup <path>', 'task setup YAML (default: ./task_setup.yaml, else <data-dir>/task_setup.yaml)')
    .option('--data-dir <dir>', 'overrides data_dir of the setup file')
    .option('--budget <n>', 'rows to select (the challenge allows 1,000)', positiveInt, MAX_TRAINING_ROWS)
    .option('--seed <n>', 'random seed', seed, 0)
    .option(
      '--human-labels <csv>',
      `human-verified labels (ImageID,Source,LabelName,Confidence), e.g. Open Images' ${OPEN_IMAGES_HUMAN_LABELS} (default: found under the data folder's metadata/)`,
    )
    .option(
      '--timeout <seconds>',
      'stop a selection module of your own if it has not finished after this many seconds (default: no limit)',
      positiveSeconds,
    )
    .option(
      '--max-memory <MB>',
      `stop a selection module of your own that uses more memory than this (default ${DEFAULT_MAX_MEMORY_MB})`,
      numberFlag(MAX_MEMORY_RULE),
    )
    .action(async (opts: VisionSelectFlags) => (await import('./actions/vision-select.js')).visionSelect(opts))

  vision
    .command('run')
    .description(
      'the main job: generate the default benchmark if absent, build a baseline training set per task, evaluate, print a table',
    )
    .option('--data-dir <dir>', 'benchmark folder', 'data')
    .option('--seed <n>', 'generator seed (used only when generating)', seed, 0)
    .option('--pool-size <n>', 'pool size (used only when generating)', numberFlag(VISION_POOL_SIZE_RULE))
    .action(async (opts: VisionRunFlags) => (await import('./actions/vision-run.js')).visionRun(opts))
}
