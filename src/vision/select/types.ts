/**
 * The one vision selection contract, for the built-ins (select/index.ts) and a user's module
 * (`vision select --algorithm my.ts`) alike: a selector is handed the task's data (the pool read,
 * the examples and human labels found) and returns the training set. A module exports one as its
 * default export (or as `select`); `defineVisionSelector` only gives it its types. A module that
 * works can become a built-in as it is.
 */
import type { Progress } from '../../progress.js'

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
  /**
   * human-verified labels among the pool's IDs (Open Images style; empty when none were found, and
   * for a built-in that declares it does not read them)
   */
  humanLabels: { positives: readonly string[]; negatives: readonly string[]; file: string | null }
  /** reports progress of long work (stage, done, total); the CLI draws it as a bar */
  onProgress: Progress
}

/** What it returns: pool ImageIDs with their labels (0 or 1), as the training set's rows. */
export interface VisionSelectorOutput {
  ids: string[]
  labels: ArrayLike<number>
  /** things the user should know: printed on stderr and kept in the manifest */
  notes?: string[]
  /** hyperparameters chosen from the data: kept in the manifest */
  choices?: Record<string, number | string>
}

export type VisionSelector = (input: VisionSelectorInput) => VisionSelectorOutput | Promise<VisionSelectorOutput>

/** Types a selector: `export default defineVisionSelector(({ ids, budget }) => ...)`. */
export function defineVisionSelector(select: VisionSelector): VisionSelector {
  return select
}

/** How a selection is run (`vision select`, `vision run`, `compare`): the same for a built-in and a module. */
export interface VisionSelectionOptions {
  task: string
  /** the most rows (the challenge allows 1,000: MAX_TRAINING_ROWS) */
  budget: number
  seed: number
  /** a human-labels file given by the user (--human-labels); else the data folder's is looked for */
  humanLabelsFile?: string
  onProgress?: Progress
  /**
   * stop a user's module still running after this many seconds (it runs in a worker thread); the
   * built-ins run in-process and refuse it
   */
  timeoutSeconds?: number
  /** the most memory a user's module may use, in MB (plugins/run-in-worker.ts: 4096 by default) */
  maxMemoryMb?: number
}

/** A selection's result, checked: the training set's rows and what the manifest records. */
export interface VisionSelection {
  ids: string[]
  labels: number[]
  /** the human-labels file read (null: none found) and what it gave; absent for a built-in that reads none */
  humanLabels?: { file: string | null; positives: number; negatives: number }
  /** things the user should know (no human labels found, ...): printed on stderr and kept in the manifest */
  notes: string[]
  /** hyperparameters the method chose from the data (kept in the manifest) */
  choices?: Record<string, number | string>
}
