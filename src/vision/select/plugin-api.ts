/**
 * The interface of a user's vision selection plugin (`dataperf vision select --algorithm my.ts`):
 * a function handed the task's data, returning the training set. A module exports it as its
 * default export (or as `select`); `defineVisionSelector` only gives it its types.
 */

/** What a vision selector is handed: the pool and what is known about the task. */
export interface VisionSelectorInput {
  /** the task's name, as in task_setup.yaml's eval_tasks */
  task: string
  /** the candidate pool's ImageIDs, in the pool file's row order */
  ids: readonly string[]
  /** the pool's embeddings, row-major: row r (ids[r]) is embeddings[r * dim .. r * dim + dim) */
  embeddings: Float32Array | Float64Array
  dim: number
  /** the most rows the training set may have */
  budget: number
  /** the seed for every random choice (--seed) */
  seed: number
  /** the task's example images (known positives), as listed in its example set */
  examples: readonly string[]
  /** human-verified labels among the pool's IDs (Open Images style; empty when none were found) */
  humanLabels: { positives: readonly string[]; negatives: readonly string[]; file: string | null }
  /** reports progress of long work (stage, done, total); the CLI draws it as a bar */
  onProgress: (stage: string, done: number, total: number) => void
}

/** What it returns: pool ImageIDs with their labels (0 or 1), as the training set's rows. */
export interface VisionSelectorOutput {
  ids: string[]
  labels: ArrayLike<number>
}

export type VisionSelectorPlugin = (input: VisionSelectorInput) => VisionSelectorOutput | Promise<VisionSelectorOutput>

/** Types a plugin's selector: `export default defineVisionSelector(({ ids, budget }) => ...)`. */
export function defineVisionSelector(select: VisionSelectorPlugin): VisionSelectorPlugin {
  return select
}
