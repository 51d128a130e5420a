/** What a vision selection algorithm gets and returns. */
export interface SelectionContext {
  dataDir: string
  task: string
  poolIds: readonly string[]
  dim: number
  budget: number
  seed: number
  /** pool vectors of the given sorted rows, row-major */
  vectors: (rows: Int32Array) => Promise<Float32Array | Float64Array>
  /** progress of long work (stage, done, total); the CLI draws it as a bar */
  onProgress?: (stage: string, done: number, total: number) => void
}

export interface LabelledIds {
  ids: string[]
  labels: number[]
}

export type VisionSelector = (ctx: SelectionContext) => Promise<LabelledIds>
