/**
 * A vision board: one `<Task>.csv` (ImageID,Confidence) per task of the setup, all tasks in one
 * submission; checked and scored by the functions behind `dataperf vision eval`
 * (readTrainingSet, the pool-ID check, evaluateVision). Score: mean F1 over the tasks.
 */
import { UserError } from '../../errors.js'
import { numpySum } from '../../ml/numpy-sum.js'
import { evaluateVision, openPool } from '../../vision/evaluate.js'
import { MAX_TRAINING_ROWS } from '../../vision/layout.js'
import { loadVisionSetup, type VisionSetup } from '../../vision/setup.js'
import { matchPool, readTrainingSet } from '../../vision/validate.js'
import type { VisionBoard } from '../challenge/load.js'
import { withStagedFiles, type SubmittedFile } from './staging.js'
import type { Progress } from '../../progress.js'

export interface VisionTaskMetrics {
  accuracy: number
  recall: number
  precision: number
  f1: number
}

export interface VisionDetails {
  /** per task, in the setup's eval_tasks order */
  tasks: Record<string, VisionTaskMetrics>
}

/** The files in task order; every task once, nothing else. */
function filesByTask(board: VisionBoard, files: readonly SubmittedFile[]): SubmittedFile[] {
  const expected = board.tasks.map((t) => `${t}.csv`)
  const byName = new Map<string, SubmittedFile>()
  for (const f of files) {
    if (!expected.includes(f.name))
      throw new UserError(`${f.name}: board ${board.id} takes one CSV per task named ${expected.join(', ')}`)
    if (byName.has(f.name)) throw new UserError(`${f.name}: submitted twice; send each task's CSV once`)
    byName.set(f.name, f)
  }
  const missing = expected.filter((n) => !byName.has(n))
  if (missing.length)
    throw new UserError(
      `board ${board.id} scores all tasks at once: missing ${missing.join(', ')} (got ${files.length ? files.map((f) => f.name).join(', ') : 'no file'})`,
    )
  return expected.map((n) => byName.get(n)!)
}

/** The board's setup with each task's training CSV pointing at the staged submission. */
function setupFor(board: VisionBoard, staged: Map<string, string>): VisionSetup {
  const setup = loadVisionSetup(board.setupPath)
  return { ...setup, tasks: setup.tasks.map((t) => ({ ...t, trainCsv: staged.get(`${t.name}.csv`)! })) }
}

export async function validateVisionSubmission(
  board: VisionBoard,
  files: readonly SubmittedFile[],
): Promise<{ rows: Record<string, number> }> {
  const ordered = filesByTask(board, files)
  const dataDir = loadVisionSetup(board.setupPath).dataDir
  return withStagedFiles(ordered, [dataDir], async (staged) => {
    const setup = setupFor(board, staged)
    const sets = setup.tasks.map((t) => readTrainingSet(t.trainCsv, MAX_TRAINING_ROWS))
    // the IDs must be in the pool, as evaluateVision checks before training
    const pool = await openPool(setup)
    try {
      await matchPool(pool, sets)
    } finally {
      await pool.close()
    }
    return { rows: Object.fromEntries(setup.tasks.map((t, i) => [t.name, sets[i]!.ids.length])) }
  })
}

/** np.mean of the per-task F1 values. */
export function meanF1(tasks: Record<string, VisionTaskMetrics>): number {
  const f1 = Object.values(tasks).map((m) => m.f1)
  return numpySum(Float64Array.from(f1)) / f1.length
}

export async function scoreVisionSubmission(
  board: VisionBoard,
  files: readonly SubmittedFile[],
  onProgress?: Progress,
): Promise<{ score: number; details: VisionDetails }> {
  const ordered = filesByTask(board, files)
  const dataDir = loadVisionSetup(board.setupPath).dataDir
  const evals = await withStagedFiles(ordered, [dataDir], (staged) =>
    evaluateVision(setupFor(board, staged), { maxTrainRows: MAX_TRAINING_ROWS, onProgress }),
  )
  const tasks: Record<string, VisionTaskMetrics> = {}
  for (const e of evals) {
    const { accuracy, recall, precision, f1 } = e.metrics
    tasks[e.task] = { accuracy, recall, precision, f1 }
  }
  return { score: meanF1(tasks), details: { tasks } }
}
