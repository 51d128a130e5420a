/**
 * Shared tools of the speech selection algorithms: the allowed clips as one labelled matrix, a
 * seeded random projection (clustering and similarity in 1024-d are costly; distances survive a
 * Gaussian projection well), confident learning and label quality, and per-class budgets.
 */
import { Rng } from '../../ml/rng.js'
import type { SpeechEmbeddings } from '../embeddings.js'
import { outOfFoldProbabilities, type OutOfFoldModel } from './out-of-fold.js'
import type { TrainingSet } from './types.js'

export interface LabelledPool {
  X: Float32Array
  dim: number
  rows: number
  /** 0 = nontarget, 1..K = target words in key order */
  labels: Int32Array
  ids: string[]
  words: string[]
}

export function labelledPool(embeddings: SpeechEmbeddings): LabelledPool {
  const words = [...embeddings.targets.keys()]
  let rows = embeddings.nontargets.ids.length
  for (const c of embeddings.targets.values()) rows += c.ids.length
  const d = embeddings.dim
  const X = new Float32Array(rows * d)
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

/** X (n x d) times a seeded Gaussian d x k matrix scaled by 1/sqrt(k). */
export function randomProjection(X: Float32Array, n: number, d: number, k: number, seed: number): Float32Array {
  const rng = new Rng(seed)
  const R = new Float32Array(d * k)
  const scale = 1 / Math.sqrt(k)
  for (let i = 0; i < R.length; i++) R[i] = rng.normal() * scale
  const out = new Float32Array(n * k)
  const acc = new Float64Array(k)
  for (let i = 0; i < n; i++) {
    acc.fill(0)
    for (let j = 0; j < d; j++) {
      const x = X[i * d + j]!
      if (x === 0) continue // ReLU embeddings are mostly zeros
      const rj = j * k
      for (let c = 0; c < k; c++) acc[c]! += x * R[rj + c]!
    }
    for (let c = 0; c < k; c++) out[i * k + c] = acc[c]!
  }
  return out
}

export function squaredDistance(A: Float32Array, a: number, B: Float32Array, b: number, k: number): number {
  let s = 0
  for (let c = 0; c < k; c++) { const t = A[a * k + c]! - B[b * k + c]!; s += t * t }
  return s
}

/**
 * Confident learning (Northcutt et al.): per-class thresholds t_j = mean p_j over rows labelled j;
 * a row is a likely label error when the most probable class among those above their threshold is
 * not its label.
 */
export function confidentLearning(probs: Float64Array, labels: Int32Array, classes: number): Uint8Array {
  const n = labels.length
  const t = new Float64Array(classes), count = new Float64Array(classes)
  for (let i = 0; i < n; i++) { t[labels[i]!]! += probs[i * classes + labels[i]!]!; count[labels[i]!]!++ }
  for (let y = 0; y < classes; y++) t[y]! /= Math.max(1, count[y]!)
  const issue = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    let best = -1, bestP = -1
    for (let y = 0; y < classes; y++) {
      const p = probs[i * classes + y]!
      if (p >= t[y]! && p > bestP) { bestP = p; best = y }
    }
    issue[i] = best !== -1 && best !== labels[i] ? 1 : 0
  }
  return issue
}

/**
 * cleanlab's label quality with method="self_confidence" and adjust_pred_probs=True: each row's
 * probabilities less the class thresholds (mean p_j over rows labelled j), shifted up by the
 * largest threshold and renormalised; the score is the adjusted probability of the given label.
 */
export function adjustedSelfConfidence(probs: Float64Array, labels: Int32Array, classes: number): Float64Array {
  const n = labels.length
  const t = new Float64Array(classes), count = new Float64Array(classes)
  for (let i = 0; i < n; i++) { t[labels[i]!]! += probs[i * classes + labels[i]!]!; count[labels[i]!]!++ }
  // a class without rows gets cleanlab's BIG_VALUE 2; thresholds are floored at 2e-6
  for (let y = 0; y < classes; y++) t[y] = count[y]! > 0 ? Math.max(2e-6, t[y]! / count[y]!) : 2
  const shift = Math.max(...t)
  const quality = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let z = 0
    for (let y = 0; y < classes; y++) z += probs[i * classes + y]! - t[y]! + shift
    quality[i] = (probs[i * classes + labels[i]!]! - t[labels[i]!]! + shift) / z
  }
  return quality
}

/** Rows of class y, optionally only those passing `keep`. */
export function rowsOfClass(pool: LabelledPool, y: number, keep?: (row: number) => boolean): number[] {
  const out: number[] = []
  for (let i = 0; i < pool.rows; i++) if (pool.labels[i] === y && (!keep || keep(i))) out.push(i)
  return out
}

/** Turns chosen pool rows into the official training-set shape (targets in key order). */
export function toTrainingSet(pool: LabelledPool, chosen: number[]): TrainingSet {
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
export function cleaningSignals(embeddings: SpeechEmbeddings, seed: number, model: OutOfFoldModel, onFold?: (done: number, total: number) => void) {
  const pool = labelledPool(embeddings)
  const K = pool.words.length
  const F = randomProjection(pool.X, pool.rows, pool.dim, PROJECTION_DIM, seed)
  const probs = outOfFoldProbabilities(F, PROJECTION_DIM, pool.labels, K + 1, 10, seed, model, onFold)
  return { pool, K, F, issue: confidentLearning(probs, pool.labels, K + 1), quality: adjustedSelfConfidence(probs, pool.labels, K + 1) }
}
