/**
 * Builds the one VisionSelectorInput: the pool read once, the task's examples and (when the method
 * reads them) its human labels among the pool's IDs. The built-ins get it in-process; a user's
 * module gets the same, built in its worker thread (plugin-worker.ts).
 */
import { ParquetFile } from '../../io/parquet/reader.js'
import type { Progress } from '../../progress.js'
import { type HumanLabelsReport, humanLabelsForPool } from '../human-labels.js'
import { EMBEDDING_COLUMN, ID_COLUMN } from '../layout.js'
import { readExampleSet } from '../metadata.js'
import type { VisionSelectorInput } from './types.js'

/** Where the task's data lies (a VisionSetup has these; a worker is handed them as plain data). */
export interface VisionDataPaths {
  dataDir: string
  embFile: string
  dim: number
}

export interface InputRequest {
  task: string
  budget: number
  seed: number
  humanLabelsFile?: string
  /** false: hand empty human labels without looking for a file (a built-in that does not read them) */
  readHumanLabels: boolean
}

export async function readSelectorInput(
  paths: VisionDataPaths,
  request: InputRequest,
  onProgress: Progress,
): Promise<{ input: VisionSelectorInput; report: HumanLabelsReport }> {
  const pool = await ParquetFile.open(paths.embFile)
  let ids: string[], embeddings: Float32Array | Float64Array
  try {
    ids = (await pool.readScalars(ID_COLUMN)).map(String)
    // shared: the built-ins' farthest point sampling reads it from worker threads without a copy
    embeddings = (
      await pool.readVectors(EMBEDDING_COLUMN, {
        dim: paths.dim,
        shared: true,
        onProgress: (done, total) => onProgress('reading the pool', done, total),
      })
    ).data
  } finally {
    await pool.close()
  }
  const known = await knownLabels(paths.dataDir, request, ids)
  const input: VisionSelectorInput = {
    task: request.task,
    ids,
    embeddings,
    dim: paths.dim,
    budget: request.budget,
    seed: request.seed,
    examples: known.examples,
    humanLabels: known.humanLabels,
    onProgress,
  }
  return { input, report: known.report }
}

/** The task's example IDs and its human labels among `poolIds` (none read when `readHumanLabels` is false). */
export async function knownLabels(
  dataDir: string,
  request: Pick<InputRequest, 'task' | 'humanLabelsFile' | 'readHumanLabels'>,
  poolIds: readonly string[],
): Promise<Pick<VisionSelectorInput, 'examples' | 'humanLabels'> & { report: HumanLabelsReport }> {
  const examples = readExampleSet(dataDir, request.task)
  if (!request.readHumanLabels)
    return {
      examples: examples.ids,
      humanLabels: { positives: [], negatives: [], file: null },
      report: { humanLabels: { file: null, positives: 0, negatives: 0 }, notes: [] },
    }
  const { labels, report } = await humanLabelsForPool(
    dataDir,
    request.task,
    examples.labelName,
    new Set(poolIds),
    request.humanLabelsFile,
  )
  return {
    examples: examples.ids,
    humanLabels: { positives: labels.positives, negatives: labels.negatives, file: labels.file ?? null },
    report,
  }
}
