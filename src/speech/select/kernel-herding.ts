/**
 * Distribution matching per class: the budget split evenly over the classes (as coreset and the
 * official random_selection.py), and in each class the clips chosen by kernel herding
 * (ml/kernel-herding.ts), i.e. the few clips whose distribution is closest in MMD to the class's.
 * Why: the eval set holds new speakers and unseen nontarget keywords, so a class's spread matters,
 * not only its centre. Facility location (coreset) picks centres, and wins when few clips per
 * class are allowed; a random draw follows the spread but with one draw's luck. Herding starts at
 * the densest clip and then fills in the spread, a low-variance stand-in for a random draw.
 */
import { confidentLearning } from '../../ml/confident-learning.js'
import { gammaScale, kernelHerding } from '../../ml/kernel-herding.js'
import { outOfFoldProbabilities } from '../../ml/out-of-fold.js'
import { randomProjection, squaredDistance } from '../../ml/random-projection.js'
import { keywordOf } from '../layout.js'
import type { SpeechEmbeddings } from '../embeddings.js'
import { classBudgets, labelledPool, PROJECTION_DIM, rowsOfClass, toTrainingSet, type LabelledPool } from './pool-features.js'
import { TrainingSetSelection, type ProgressCallback, type TrainingSet } from './types.js'

export interface HerdingOptions {
  /** herd on the embeddings the scoring model sees, or on the 64-d random projection */
  space: 'embedding' | 'projection'
  /** kernel width: the SVC's gamma='scale' over the pool, or 1 / the class's median squared distance */
  bandwidth: 'scale' | 'median'
  /** drop clips that confident learning flags before herding */
  clean: boolean
  /** nontarget distribution: every clip weighs the same, or every keyword weighs the same */
  nontargets: 'clips' | 'keywords'
  /** share of the budget for nontargets (default: an even split over the classes) */
  nontargetShare?: number
}

export const DEFAULT_HERDING: HerdingOptions = { space: 'embedding', bandwidth: 'scale', clean: false, nontargets: 'clips' }

function medianGamma(F: Float32Array, k: number, rows: number[]): number {
  const d: number[] = []
  for (let a = 0; a < rows.length; a++) for (let b = a + 1; b < rows.length; b++) d.push(squaredDistance(F, rows[a]!, F, rows[b]!, k))
  d.sort((x, y) => x - y)
  const med = d[Math.floor(d.length / 2)] ?? 1
  return med > 0 ? 1 / med : 1
}

/** Equal weight per nontarget keyword, shared evenly by its clips. */
function keywordWeights(pool: LabelledPool, rows: number[]): Float64Array {
  const count = new Map<string, number>()
  for (const r of rows) { const k = keywordOf(pool.ids[r]!); count.set(k, (count.get(k) ?? 0) + 1) }
  return Float64Array.from(rows, (r) => 1 / (count.size * count.get(keywordOf(pool.ids[r]!))!))
}

export function herdTrainingSet(embeddings: SpeechEmbeddings, trainSize: number, seed: number, options: HerdingOptions = DEFAULT_HERDING, onProgress?: ProgressCallback): TrainingSet {
  const pool = labelledPool(embeddings)
  const K = pool.words.length
  const [F, k] = options.space === 'embedding' ? [pool.X, pool.dim] : [randomProjection(pool.X, pool.rows, pool.dim, PROJECTION_DIM, seed), PROJECTION_DIM]
  let keep: ((row: number) => boolean) | undefined
  if (options.clean) {
    const P = randomProjection(pool.X, pool.rows, pool.dim, PROJECTION_DIM, seed)
    const issue = confidentLearning(outOfFoldProbabilities(P, PROJECTION_DIM, pool.labels, K + 1, 10, seed, 'nearest-centroid'), pool.labels, K + 1)
    keep = (r) => !issue[r]
  }
  const budgets = classBudgets(trainSize, K, options.nontargetShare ?? 1 / (K + 1))
  const poolGamma = gammaScale(F, pool.rows, k)
  const chosen: number[] = []
  for (let y = 0; y <= K; y++) {
    let rows = rowsOfClass(pool, y, keep)
    if (rows.length === 0) rows = rowsOfClass(pool, y)
    const gamma = options.bandwidth === 'scale' ? poolGamma : medianGamma(F, k, rows)
    const weights = y === 0 && options.nontargets === 'keywords' ? keywordWeights(pool, rows) : undefined
    chosen.push(...kernelHerding(F, k, rows, budgets[y]!, gamma, weights))
    onProgress?.('kernel herding: per class', y + 1, K + 1)
  }
  return toTrainingSet(pool, chosen)
}

export class KernelHerdingSelection extends TrainingSetSelection {
  select(): TrainingSet {
    return herdTrainingSet(this.embeddings, this.trainSetSize, this.randomSeed, DEFAULT_HERDING, this.onProgress)
  }
}
