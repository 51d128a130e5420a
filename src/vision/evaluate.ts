/**
 * Offline evaluation of vision training sets, scoring exactly as the official evaluator:
 * join each training CSV to the pool by ImageID, fit LogisticRegression(random_state=0),
 * predict the task's test set, report accuracy, recall, precision and F1 for label 1.
 * Unlike the official join, unknown or duplicate IDs are refused instead of silently dropped.
 */
import { clip, UserError } from '../errors.js'
import { ParquetFile } from '../io/parquet/reader.js'
import { binaryMetrics, type BinaryMetrics } from '../ml/metrics.js'
import { fitLogisticRegression, predict } from '../ml/logistic-regression.js'
import { EMBEDDING_COLUMN, ID_COLUMN, LABEL_COLUMN, MAX_TRAINING_ROWS } from './layout.js'
import type { VisionSetup } from './setup.js'
import { matchPool, readTrainingSet, type VisionTrainingSet } from './validate.js'
import type { Progress } from '../progress.js'

export interface VisionEvaluateOptions {
  maxTrainRows?: number
  onProgress?: Progress
}

export interface TaskEvaluation {
  task: string
  metrics: BinaryMetrics
  trainRows: number
  trainPositives: number
  testRows: number
  testPositives: number
}

/** Row-major float64 copy of a training matrix (sklearn fits in float64); the constructor copies natively, where Float64Array.from would iterate. */
function toFloat64(values: Float32Array | Float64Array): Float64Array {
  return values instanceof Float64Array ? values : new Float64Array(values)
}

/** Opens the pool and checks its columns and vector length against the setup. */
export async function openPool(setup: VisionSetup): Promise<ParquetFile> {
  const pool = await ParquetFile.open(setup.embFile)
  try {
    pool.requireColumn(ID_COLUMN)
    await checkVectorColumn(pool, setup.dim, 'Embedding file')
    return pool
  } catch (err) {
    await pool.close()
    throw err
  }
}

/**
 * The vector column holds lists of `dim` floats: else the official message when every row has
 * one other length, or the shortest and longest rows when lengths differ (never an average).
 */
async function checkVectorColumn(
  file: ParquetFile,
  dim: number,
  official: 'Embedding file' | 'Test file',
): Promise<void> {
  const emb = file.requireColumn(EMBEDDING_COLUMN)
  if (!emb.repeated)
    throw new UserError(
      `${file.path}: column '${EMBEDDING_COLUMN}' holds one ${emb.physicalType} value per row, expected a list of ${dim} numbers`,
    )
  if (emb.physicalType !== 'FLOAT' && emb.physicalType !== 'DOUBLE') {
    throw new UserError(
      `${file.path}: column '${EMBEDDING_COLUMN}' holds lists of ${emb.physicalType}, expected float or double`,
    )
  }
  if (file.numRows === 0)
    throw new UserError(`${file.path}: no rows; expected ImageIDs with their ${dim}-value ${EMBEDDING_COLUMN}`, {
      code: 'bad_file',
      path: file.path,
    })
  if (firstRowLength(file, emb.pathInSchema) === dim) return // a row of another length is named when read
  const r = await file.listLengthRange(EMBEDDING_COLUMN)
  if (r.min === r.max)
    throw new UserError(`${file.path}: ${official} dim=${r.min}, but setup file specifies dim=${dim}`)
  throw new UserError(
    `${file.path}: vectors of different lengths in '${EMBEDDING_COLUMN}' (row ${r.minRow} has ${r.min} values, row ${r.maxRow} has ${r.max}); setup file specifies dim=${dim}`,
  )
}

function firstRowLength(file: ParquetFile, path: string[]): number {
  const group = file.metadata.row_groups.find((g) => Number(g.num_rows) > 0)
  const chunk = group?.columns.find((c) => c.meta_data?.path_in_schema.join('.') === path.join('.'))
  return group && chunk?.meta_data ? Math.round(Number(chunk.meta_data.num_values) / Number(group.num_rows)) : 0
}

/** Reads a task's test set: vectors (float64) and 0/1 labels stored as integers or strings. */
export async function readTestSet(
  path: string,
  dim: number,
): Promise<{ X: Float64Array; y: Int32Array; rows: number }> {
  const file = await ParquetFile.open(path)
  try {
    file.requireColumn(ID_COLUMN)
    file.requireColumn(LABEL_COLUMN)
    if (file.numRows === 0) throw new UserError(`${path}: test set has no rows`)
    await checkVectorColumn(file, dim, 'Test file')
    const ids = await file.readScalars(ID_COLUMN)
    const raw = await file.readScalars(LABEL_COLUMN)
    const y = new Int32Array(raw.length)
    raw.forEach((v, i) => {
      const s = String(v)
      if (s !== '0' && s !== '1')
        throw new UserError(
          `${path}: row ${i} (ImageID ${ids[i]}): ${LABEL_COLUMN} is ${JSON.stringify(v)}, expected 0 or 1`,
        )
      y[i] = s === '1' ? 1 : 0
    })
    const vectors = await file.readVectors(EMBEDDING_COLUMN, {
      dim,
      rowLabel: (r) => `row ${r} (ImageID ${clip(String(ids[r]))})`,
    })
    return { X: toFloat64(vectors.data), y, rows: vectors.rows }
  } finally {
    await file.close()
  }
}

/**
 * Evaluates every task of the setup. All training CSVs are checked before the pool is read,
 * and the pool is read once for the union of their IDs.
 */
export async function evaluateVision(
  setup: VisionSetup,
  options: VisionEvaluateOptions = {},
): Promise<TaskEvaluation[]> {
  const maxRows = options.maxTrainRows ?? MAX_TRAINING_ROWS
  return evaluateVisionSets(
    setup,
    setup.tasks.map((t) => readTrainingSet(t.trainCsv, maxRows)),
    options,
  )
}

/**
 * Evaluates training sets already read (one per task of the setup, in its order), e.g. uploaded
 * files parsed with parseTrainingSet: the same scoring as `vision eval`.
 */
export async function evaluateVisionSets(
  setup: VisionSetup,
  sets: readonly VisionTrainingSet[],
  options: VisionEvaluateOptions = {},
): Promise<TaskEvaluation[]> {
  if (sets.length !== setup.tasks.length)
    throw new Error(`evaluateVisionSets: ${sets.length} training sets for ${setup.tasks.length} tasks`)
  const pool = await openPool(setup)
  let poolRows: Int32Array[]
  let needed: Int32Array
  let vectors: Float32Array | Float64Array
  try {
    const match = await matchPool(pool, sets)
    poolRows = match.poolRows
    const idOfRow = new Map<number, string>()
    for (const [id, r] of match.rowOf) idOfRow.set(r, id)
    needed = Int32Array.from(new Set(poolRows.flatMap((r) => Array.from(r)))).sort()
    const read = await pool.readVectors(EMBEDDING_COLUMN, {
      dim: setup.dim,
      rows: needed,
      rowLabel: (r) => `row ${r} (ImageID ${clip(String(idOfRow.get(r)))})`,
      onProgress: (done, total) => options.onProgress?.('pool embeddings', done, total),
    })
    vectors = read.data
  } finally {
    await pool.close()
  }
  const slotOf = new Map<number, number>()
  needed.forEach((r, k) => slotOf.set(r, k))

  const d = setup.dim
  const results: TaskEvaluation[] = []
  for (let t = 0; t < setup.tasks.length; t++) {
    const task = setup.tasks[t]!
    const set = sets[t]!
    // the fit reads the task's rows where they lie in `vectors` (float32 widened exactly to
    // float64, as sklearn fits): no float64 copy of the training matrix in between
    const slots = Int32Array.from(poolRows[t]!, (r) => slotOf.get(r)!)
    const model = fitLogisticRegression({ values: vectors, rows: slots }, set.ids.length, d, set.labels)
    const test = await readTestSet(task.testParquet, d)
    const yPred = predict(model, test.X, test.rows)
    let trainPositives = 0,
      testPositives = 0
    for (const l of set.labels) trainPositives += l
    for (const l of test.y) testPositives += l
    results.push({
      task: task.name,
      metrics: binaryMetrics(test.y, yPred),
      trainRows: set.ids.length,
      trainPositives,
      testRows: test.rows,
      testPositives,
    })
  }
  return results
}
