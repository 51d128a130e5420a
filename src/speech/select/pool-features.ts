/**
 * Shared tools of the speech selection algorithms: the allowed clips as one labelled matrix,
 * per-class budgets, and the cleaning signals (a seeded random projection, out-of-fold
 * probabilities, confident learning and label quality: the kernels live in ml/).
 */
import { adjustedSelfConfidence, confidentLearning } from '../../ml/confident-learning.js'
import { outOfFoldProbabilities, type OutOfFoldModel } from '../../ml/out-of-fold.js'
import { randomProjection } from '../../ml/random-projection.js'
import type { SpeechEmbeddings } from '../embeddings.js'
import type { SpeechTrainingSet } from './types.js'
import type { ProgressCount } from '../../progress.js'

export interface LabelledPool {
  X: Float32Array
  dim: number
  rows: number
  /** 0 = nontarget, 1..K = target words in key order */
  labels: Int32Array
  ids: string[]
  words: string[]
}

/** Where a pool's X lives: a buffer of exactly `bytes` bytes, every one of which the pool then writes. */
export type PoolBuffer = (bytes: number) => ArrayBuffer | SharedArrayBuffer

/**
 * `buffer`: where X lives (default a fresh ArrayBuffer); a SharedArrayBuffer lets worker threads
 * read it without a second copy (on this kind of machine first touching 28 MB of fresh memory
 * costs about 0.1 s).
 */
export function labelledPool(embeddings: SpeechEmbeddings, options: { buffer?: PoolBuffer } = {}): LabelledPool {
  const words = [...embeddings.targets.keys()]
  let rows = embeddings.nontargets.ids.length
  for (const c of embeddings.targets.values()) rows += c.ids.length
  const d = embeddings.dim
  const X = options.buffer ? new Float32Array(options.buffer(rows * d * 4), 0, rows * d) : new Float32Array(rows * d)
  const labels = new Int32Array(rows)
  const ids: string[] = []
  let r = 0
  words.forEach((w, k) => {
    const c = embeddings.targets.get(w)!
    X.set(c.vectors, r * d)
    labels.fill(k + 1, r, r + c.ids.length)
    ids.push(...c.ids)
    r += c.ids.length
  })
  X.set(embeddings.nontargets.vectors, r * d)
  ids.push(...embeddings.nontargets.ids)
  return { X, dim: d, rows, labels, ids, words }
}

/** Rows of class y, optionally only those passing `keep`. */
export function rowsOfClass(pool: LabelledPool, y: number, keep?: (row: number) => boolean): number[] {
  const out: number[] = []
  for (let i = 0; i < pool.rows; i++) if (pool.labels[i] === y && (!keep || keep(i))) out.push(i)
  return out
}

/** Turns chosen pool rows into the official training-set shape (targets in key order). */
export function toTrainingSet(pool: LabelledPool, chosen: number[]): SpeechTrainingSet {
  const targets: Record<string, string[]> = {}
  for (const w of pool.words) targets[w] = []
  const nontargets: string[] = []
  for (const r of chosen) {
    const y = pool.labels[r]!
    if (y === 0) nontargets.push(pool.ids[r]!)
    else targets[pool.words[y - 1]!]!.push(pool.ids[r]!)
  }
  return { targets, nontargets }
}

/** Splits `total` clips over K target classes and the nontarget class: `nontargetShare` of it to nontargets, the rest evenly. */
export function classBudgets(total: number, K: number, nontargetShare: number): Int32Array {
  const budgets = new Int32Array(K + 1)
  const nontargets = Math.max(1, Math.round(total * nontargetShare))
  const perTarget = Math.max(1, Math.floor((total - nontargets) / K))
  for (let k = 1; k <= K; k++) budgets[k] = perTarget
  budgets[0] = Math.max(1, total - perTarget * K)
  return budgets
}

/** Projection dimension for clustering and similarity (64 keeps distances well, and is fast). */
export const PROJECTION_DIM = 64

/**
 * What the cleaning methods share: the labelled pool, its projection, out-of-fold probabilities
 * (10 stratified folds, on the projection), confident-learning flags and cleanlab's label quality.
 */
export function cleaningSignals(
  embeddings: SpeechEmbeddings,
  seed: number,
  model: OutOfFoldModel,
  onFold?: ProgressCount,
) {
  const pool = labelledPool(embeddings)
  const K = pool.words.length
  const F = randomProjection(pool.X, pool.rows, pool.dim, PROJECTION_DIM, seed)
  const probs = outOfFoldProbabilities(F, PROJECTION_DIM, pool.labels, K + 1, 10, seed, model, onFold)
  return {
    pool,
    K,
    F,
    issue: confidentLearning(probs, pool.labels, K + 1),
    quality: adjustedSelfConfidence(probs, pool.labels, K + 1),
  }
}
