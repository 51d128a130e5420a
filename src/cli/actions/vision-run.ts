/** `dataperf vision run`: the main job (generate if absent, a baseline set per task, evaluate, a table). */
import { runVisionMainJob } from '../../jobs/vision-run.js'
import { formatVisionTable } from '../../vision/table.js'
import { progressReporter } from '../progress.js'
import { safeText } from '../../shown.js'

export interface VisionRunFlags {
  dataDir: string
  seed: number
  poolSize?: number
}

export async function visionRun(opts: VisionRunFlags): Promise<void> {
  const progress = progressReporter()
  let outcome
  try {
    outcome = await runVisionMainJob({
      dataDir: opts.dataDir,
      seed: opts.seed,
      poolSize: opts.poolSize,
      onProgress: progress.onProgress,
      log: (m) => process.stderr.write(safeText(m) + '\n'),
    })
  } finally {
    progress.stop()
  }
  process.stdout.write(formatVisionTable(outcome.evals) + `\nResults saved in ${outcome.resultsPath}\n`)
}
