/** `dataperf vision eval`: score each task's training set as the official evaluator does. */
import { loadVisionSetup, resultsDirNote } from '../../vision/setup.js'
import { runVisionEvaluation } from '../../vision/eval-job.js'
import { progressReporter } from '../progress.js'
import { defaultSetupPath } from './vision-setup-path.js'
import { safeText } from '../../shown.js'

export interface VisionEvalFlags {
  setup?: string
  setup_yaml_path?: string
  dataDir?: string
  maxTrainRows: number
  json?: boolean
}

export async function visionEval(opts: VisionEvalFlags): Promise<void> {
  const setupPath = opts.setup ?? opts.setup_yaml_path ?? defaultSetupPath(opts.dataDir)
  const setup = loadVisionSetup(setupPath, opts.dataDir)
  const note = resultsDirNote(setup)
  if (note) process.stderr.write(safeText(note) + '\n')
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
}
