/** What a comparison run produces: scores per algorithm, task and generator seed, and one task's pool picture. */
export interface ComparisonResult {
  track: 'vision' | 'speech'
  metric: string
  tasks: string[]
  algorithms: string[]
  seeds: number[]
  /** scores[algorithm][task][seedIndex] */
  scores: Record<string, number[][]>
  /** selection seconds per algorithm, summed over tasks and seeds */
  seconds: Record<string, number>
  projection?: PoolProjection
}

/** A 2-D view of one task's pool (first seed) and the rows each algorithm selected. */
export interface PoolProjection {
  task: string
  /** n x 2 */
  points: Float32Array
  /** class per point, named by classNames */
  classes: Int32Array
  classNames: string[]
  /** what the two axes show (default: the first two principal components) */
  axes?: [string, string]
  selected: Record<string, Int32Array>
  /** the class of each selected point when it differs from the pool's (vision: the label given) */
  selectedClasses?: Record<string, Int32Array>
}

export function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length
}

/** Sample standard deviation (n - 1); 0 for a single value. */
export function std(values: number[]): number {
  if (values.length < 2) return 0
  const m = mean(values)
  return Math.sqrt(values.reduce((a, v) => a + (v - m) * (v - m), 0) / (values.length - 1))
}

/** Per seed, the mean over tasks: the overall score whose spread is reported. */
export function overallPerSeed(result: ComparisonResult, algorithm: string): number[] {
  return result.seeds.map((_, s) => mean(result.scores[algorithm]!.map((perSeed) => perSeed[s]!)))
}
