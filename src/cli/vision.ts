import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { Command, Option } from 'commander'
import { UserError } from '../errors.js'
import { loadVisionSetup, resultsDirNote } from '../vision/setup.js'
import { runVisionEvaluation } from '../vision/eval-job.js'
import { MAX_TRAINING_ROWS, VISION_LAYOUT } from '../vision/layout.js'
import { runVisionMainJob } from '../jobs/vision-run.js'
import {
  runVisionSelection,
  VISION_SELECTORS,
  writeSelectionManifest,
  writeTrainingCsv,
} from '../vision/select/index.js'
import { isVisionPluginPath } from '../vision/select/plugin.js'
import { OPEN_IMAGES_HUMAN_LABELS } from '../vision/human-labels.js'
import { formatVisionTable } from '../vision/table.js'
import { progressReporter } from './progress.js'
import { nonNegativeInt, positiveInt, positiveSeconds } from './parse.js'

/** The official default is ./task_setup.yaml; our generator puts one inside the data folder. */
function defaultSetupPath(dataDir: string | undefined): string {
  if (existsSync(VISION_LAYOUT.setup)) return VISION_LAYOUT.setup
  const inData = join(dataDir ?? 'data', VISION_LAYOUT.setup)
  if (existsSync(inData)) return inData
  throw new UserError(
    'no task_setup.yaml in the working directory or the data folder; pass --setup PATH (or run `dataperf generate vision --out data`)',
  )
}

export function registerVisionCommands(program: Command): void {
  const vision = program
    .command('vision')
    .description('vision track: binary concept classification over 256-d image embeddings')

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
    .action(
      async (opts: {
        setup?: string
        setup_yaml_path?: string
        dataDir?: string
        maxTrainRows: number
        json?: boolean
      }) => {
        const setupPath = opts.setup ?? opts.setup_yaml_path ?? defaultSetupPath(opts.dataDir)
        const setup = loadVisionSetup(setupPath, opts.dataDir)
        const note = resultsDirNote(setup)
        if (note) process.stderr.write(note + '\n')
        const progress = progressReporter(!opts.json && process.stderr.isTTY === true)
        let outcome
        try {
          outcome = await runVisionEvaluation(setup, {
            maxTrainRows: opts.maxTrainRows,
            onProgress: progress.onProgress,
          })
        } finally {
          progress.stop()
        }
        if (opts.json) {
          process.stdout.write(
            JSON.stringify(
              {
                results: JSON.parse(outcome.text),
                results_file: outcome.resultsPath,
                manifest_file: outcome.manifestPath,
              },
              null,
              2,
            ) + '\n',
          )
        } else {
          process.stdout.write(`Results saved in ${outcome.resultsPath}\n${outcome.text}\n`)
        }
      },
    )

  vision
    .command('select')
    .description('build a training set for one task with a selection algorithm; writes ImageID,Confidence CSV')
    .requiredOption('--task <name>', 'task name from eval_tasks')
    .requiredOption('--out <csv>', 'training set to write')
    .option(
      '--algorithm <name|path>',
      `a built-in (${Object.keys(VISION_SELECTORS).join(', ')}) or a .ts/.js selection module of your own (see README)`,
      'weak-labels',
    )
    .option('--setup <path>', 'task setup YAML (default: ./task_setup.yaml, else <data-dir>/task_setup.yaml)')
    .option('--data-dir <dir>', 'overrides data_dir of the setup file')
    .option('--budget <n>', 'rows to select (the challenge allows 1,000)', positiveInt, MAX_TRAINING_ROWS)
    .option('--seed <n>', 'random seed', nonNegativeInt, 0)
    .option(
      '--human-labels <csv>',
      `human-verified labels (ImageID,Source,LabelName,Confidence), e.g. Open Images' ${OPEN_IMAGES_HUMAN_LABELS} (default: found under the data folder's metadata/)`,
    )
    .option(
      '--timeout <seconds>',
      'stop a selection module of your own if it has not finished after this many seconds (default: no limit)',
      positiveSeconds,
    )
    .action(
      async (opts: {
        task: string
        out: string
        algorithm: string
        setup?: string
        dataDir?: string
        budget: number
        seed: number
        humanLabels?: string
        timeout?: number
      }) => {
        const plugin = isVisionPluginPath(opts.algorithm)
        if (!plugin && !VISION_SELECTORS[opts.algorithm])
          throw new UserError(
            `--algorithm '${opts.algorithm}': expected a built-in (${Object.keys(VISION_SELECTORS).join(', ')}) or a path to a .ts or .js selection module`,
          )
        const setup = loadVisionSetup(opts.setup ?? defaultSetupPath(opts.dataDir), opts.dataDir)
        const progress = progressReporter()
        let set
        try {
          set = await runVisionSelection(setup, opts.algorithm, {
            task: opts.task,
            budget: opts.budget,
            seed: opts.seed,
            humanLabelsFile: opts.humanLabels,
            onProgress: progress.onProgress,
            timeoutSeconds: opts.timeout,
          })
        } finally {
          progress.stop()
        }
        for (const note of set.notes) process.stderr.write(`warning: ${note}\n`)
        writeTrainingCsv(opts.out, set)
        writeSelectionManifest(
          opts.out,
          { algorithm: opts.algorithm, task: opts.task, budget: opts.budget, seed: opts.seed },
          set,
        )
        const positives = set.labels.filter((l) => l === 1).length
        process.stdout.write(
          `${opts.algorithm}: ${set.ids.length} rows (${positives} labelled 1) for ${opts.task} -> ${opts.out}\n`,
        )
      },
    )

  vision
    .command('run')
    .description(
      'the main job: generate the default benchmark if absent, build a baseline training set per task, evaluate, print a table',
    )
    .option('--data-dir <dir>', 'benchmark folder', 'data')
    .option('--seed <n>', 'generator seed (used only when generating)', nonNegativeInt, 0)
    .option('--pool-size <n>', 'pool size (used only when generating)', positiveInt)
    .action(async (opts: { dataDir: string; seed: number; poolSize?: number }) => {
      const progress = progressReporter()
      let outcome
      try {
        outcome = await runVisionMainJob({
          dataDir: opts.dataDir,
          seed: opts.seed,
          poolSize: opts.poolSize,
          onProgress: progress.onProgress,
          log: (m) => process.stderr.write(m + '\n'),
        })
      } finally {
        progress.stop()
      }
      process.stdout.write(formatVisionTable(outcome.evals) + `\nResults saved in ${outcome.resultsPath}\n`)
    })
}
