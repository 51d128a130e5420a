/** What a vision selection algorithm gets and returns. */
export interface SelectionContext {
  dataDir: string
  task: string
  poolIds: readonly string[]
  dim: number
  budget: number
  seed: number
  /** a human-labels file given by the user (--human-labels); else the data folder's is looked for */
  humanLabelsFile?: string
  /** pool vectors of the given sorted rows, row-major */
  vectors: (rows: Int32Array) => Promise<Float32Array | Float64Array>
  /** progress of long work (stage, done, total); the CLI draws it as a bar */
  onProgress?: (stage: string, done: number, total: number) => void
}

export interface LabelledIds {
  ids: string[]
  labels: number[]
  /** for algorithms that read human labels: the file read (null: none found) and what it gave */
  humanLabels?: { file: string | null; positives: number; negatives: number }
  /** things the user should know (no human labels found, ...): printed on stderr and kept in the manifest */
  notes?: string[]
  /** hyperparameters the algorithm chose from the data (kept in the manifest) */
  choices?: Record<string, number | string>
}

export type VisionSelector = (ctx: SelectionContext) => Promise<LabelledIds>
