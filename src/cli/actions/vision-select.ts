/** `dataperf vision select`: a training set for one task, by a built-in or the user's own module. */
import { UserError } from '../../errors.js'
import { requireWritableFile } from '../../io/atomic-write.js'
import { MAX_TRAINING_ROWS } from '../../vision/layout.js'
import { loadVisionSetup } from '../../vision/setup.js'
import {
  runVisionSelection,
  VISION_SELECTORS,
  writeSelectionManifest,
  writeTrainingCsv,
} from '../../vision/select/index.js'
import { isVisionPluginPath } from '../../vision/select/plugin.js'
import { progressReporter } from '../progress.js'
import { defaultSetupPath } from './vision-setup-path.js'
import { safeText } from '../../shown.js'

export interface VisionSelectFlags {
  task: string
  out: string
  algorithm: string
  setup?: string
  dataDir?: string
  budget: number
  seed: number
  humanLabels?: string
  timeout?: number
  maxMemory?: number
}

export async function visionSelect(opts: VisionSelectFlags): Promise<void> {
  const plugin = isVisionPluginPath(opts.algorithm)
  if (!plugin && !VISION_SELECTORS[opts.algorithm])
    throw new UserError(
      `--algorithm '${opts.algorithm}': expected a built-in (${Object.keys(VISION_SELECTORS).join(', ')}) or a path to a .ts or .js selection module`,
    )
  if (opts.budget > MAX_TRAINING_ROWS)
    process.stderr.write(
      `warning: --budget ${opts.budget} is above the challenge's cap of ${MAX_TRAINING_ROWS} rows per task; \`vision eval\` refuses such a set unless --max-train-rows allows it\n`,
    )
  requireWritableFile(opts.out, 'out')
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
      maxMemoryMb: opts.maxMemory,
    })
  } finally {
    progress.stop()
  }
  for (const note of set.notes) process.stderr.write(safeText(`warning: ${note}`) + '\n')
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
}
