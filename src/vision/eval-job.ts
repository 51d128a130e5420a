/** One complete offline evaluation: inputs hashed alongside, scores computed, files written. */
import { hashFilesInBackground } from '../io/file-hash.js'
import { evaluateVision, type VisionEvaluateOptions, type TaskEvaluation } from './evaluate.js'
import { writeVisionResults, type WrittenResults } from './results.js'
import type { VisionSetup } from './setup.js'
import { MAX_TRAINING_ROWS } from './layout.js'

export interface VisionEvalOutcome extends WrittenResults {
  evals: TaskEvaluation[]
}

export async function runVisionEvaluation(
  setup: VisionSetup,
  options: VisionEvaluateOptions = {},
): Promise<VisionEvalOutcome> {
  const inputs = [setup.setupPath, setup.embFile, ...setup.tasks.flatMap((t) => [t.trainCsv, t.testParquet])]
  const hashing = hashFilesInBackground(inputs)
  hashing.catch(() => {}) // a failure surfaces below, after evaluation has reported any user error
  const evals = await evaluateVision(setup, options)
  const hashes = await hashing
  const written = writeVisionResults(setup, evals, hashes, {
    max_train_rows: options.maxTrainRows ?? MAX_TRAINING_ROWS,
    eval_tasks: setup.tasks.map((t) => t.name),
    dim: setup.dim,
  })
  return { ...written, evals }
}
