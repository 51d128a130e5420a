/**
 * `dataperf vision run`: the benchmark end to end on the bundled (generated) default data. It spans
 * floors (the generator, then the track's selection and evaluation), so it lives above them.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Progress } from '../progress.js'
import { generateVisionBenchmarkAsync } from '../synth/vision.js'
import { runVisionEvaluation, type VisionEvalOutcome } from '../vision/eval-job.js'
import { MAX_TRAINING_ROWS, VISION_LAYOUT } from '../vision/layout.js'
import { runVisionSelection, writeTrainingCsv } from '../vision/select/index.js'
import { loadVisionSetup } from '../vision/setup.js'

export interface VisionRunOptions {
  dataDir: string
  /** the generator's seed (used only when generating) */
  seed: number
  poolSize?: number
  onProgress?: Progress
  log?: (message: string) => void
}

/** The baseline every task gets: weak-labels at the challenge's budget, selection seed 0. */
const BASELINE = { algorithm: 'weak-labels', budget: MAX_TRAINING_ROWS, seed: 0 }

export async function runVisionMainJob(options: VisionRunOptions): Promise<VisionEvalOutcome> {
  const { dataDir } = options
  const setupPath = join(dataDir, VISION_LAYOUT.setup)
  if (!existsSync(setupPath)) {
    options.log?.(`Generating the default vision benchmark in ${dataDir} (seed ${options.seed})...`)
    await generateVisionBenchmarkAsync({
      out: dataDir,
      seed: options.seed,
      poolSize: options.poolSize,
      onProgress: options.onProgress,
    })
  }
  const setup = loadVisionSetup(setupPath)
  for (const task of setup.tasks) {
    // a training set already there is the user's (vision select, or an earlier run): it is evaluated, never replaced
    if (existsSync(task.trainCsv)) {
      options.log?.(
        `Kept the training set already in ${task.trainCsv} for ${task.name} (remove it to build the baseline instead)`,
      )
      continue
    }
    const set = await runVisionSelection(setup, BASELINE.algorithm, {
      task: task.name,
      budget: BASELINE.budget,
      seed: BASELINE.seed,
      onProgress: options.onProgress,
    })
    for (const note of set.notes) options.log?.(`warning: ${note}`)
    writeTrainingCsv(task.trainCsv, set)
    options.log?.(`Wrote a baseline training set for ${task.name}: ${task.trainCsv}`)
  }
  return runVisionEvaluation(setup, { onProgress: options.onProgress })
}
