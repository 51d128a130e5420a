/** `dataperf vision select`: a training set for one task, by a built-in or the user's own module. */
import { UserError } from '../../errors.js'
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
}

export async function visionSelect(opts: VisionSelectFlags): Promise<void> {
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
}
