/** `dataperf vision run`: the benchmark end to end on the bundled (generated) default data. */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { ParquetFile } from '../io/parquet/reader.js'
import { generateVisionBenchmark } from '../synth/vision.js'
import { weakLabelBaseline } from './baseline.js'
import { writeTrainingCsv } from './select/index.js'
import { runVisionEvaluation, type VisionEvalOutcome } from './eval-job.js'
import { ID_COLUMN, VISION_LAYOUT } from './layout.js'
import { loadVisionSetup } from './setup.js'

export interface MainJobOptions {
  dataDir: string
  seed: number
  poolSize?: number
  onProgress?: (stage: string, done: number, total: number) => void
  log?: (message: string) => void
}

export async function runVisionMainJob(options: MainJobOptions): Promise<VisionEvalOutcome> {
  const { dataDir } = options
  const setupPath = join(dataDir, VISION_LAYOUT.setup)
  if (!existsSync(setupPath)) {
    options.log?.(`Generating the default vision benchmark in ${dataDir} (seed ${options.seed})...`)
    generateVisionBenchmark({
      out: dataDir,
      seed: options.seed,
      poolSize: options.poolSize,
      onProgress: options.onProgress,
    })
  }
  const setup = loadVisionSetup(setupPath)
  const pool = await ParquetFile.open(setup.embFile)
  const poolIds = (await pool.readScalars(ID_COLUMN).finally(() => pool.close())).map(String)
  for (const task of setup.tasks) {
    const set = await weakLabelBaseline(setup.dataDir, task.name, poolIds)
    for (const note of set.notes ?? []) options.log?.(`warning: ${note}`)
    writeTrainingCsv(task.trainCsv, set)
    options.log?.(`Wrote a baseline training set for ${task.name}: ${task.trainCsv}`)
  }
  return runVisionEvaluation(setup, { onProgress: options.onProgress })
}
